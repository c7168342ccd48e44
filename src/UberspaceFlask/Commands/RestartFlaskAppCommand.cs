using System;
using System.Management.Automation;
using UberspaceFlask.Core;
using UberspaceFlask.Core.Releases;
using UberspaceFlask.Core.Supervisor;

namespace UberspaceFlask.Commands
{
    /// <summary>
    /// Restart-FlaskApp: a published app's live release started on the idle slot, gated, switched to and the old slot
    /// stopped (no failed request: after Set-FlaskSecret, or to give memory back); an app of the guide's pipeline
    /// (a supervisord service of that name, no release) restarted by supervisord.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Restart, "FlaskApp", SupportsShouldProcess = true)]
    [OutputType(typeof(FlaskPublishResult), typeof(SupervisorService))]
    public sealed class RestartFlaskAppCommand : HostStepCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public string Name { get; set; }

        [Parameter]
        [ValidateRange(1, 3600)]
        public int HealthTimeoutSeconds { get; set; } = 60;

        [Parameter]
        public string FrontendUrl { get; set; }

        [Parameter]
        public int GraceSeconds { get; set; } = 2;

        [Parameter]
        public SwitchParameter BreakLock { get; set; }

        protected override void ProcessRecord()
        {
            // A published app is restarted through its slots; one that is not (the guide's pipeline registered it as
            // a supervisord service of its own name) by supervisord, which takes a probe of its own.
            Step(Name, () => Spec(new PublishState()), (shell, spec) =>
                {
                    var facts = PublishProbe.Run(shell, Name, "python3", null);
                    return (Published: facts, Service: facts.State.Current == null ? SupervisorServices.Probe(shell, InputValidation.ServiceName(Name)) : null);
                },
                (spec, facts, shell) => facts.Service != null
                    ? (Published: (PublishPlan)null, Service: SupervisorServices.Plan(Name, LifecycleAction.Restart, facts.Service, shell.Where))
                    : (Published: PublishPlanner.PlanRestart(Spec(facts.Published.State), facts.Published, BreakLock, Session?.FrontendUrl), Service: (LifecyclePlan)null),
                plan => plan.Published?.Changes ?? plan.Service.Changes, (shell, plan) =>
                {
                    if (plan.Service != null)
                    {
                        var status = SupervisorServices.Apply(shell, plan.Service, TimeSpan.FromSeconds(HealthTimeoutSeconds));
                        WriteObject(OutputMapper.Service(plan.Service, status, shell.Where, Session, true));
                        return;
                    }
                    var result = Publisher.Apply(shell, plan.Published);
                    WriteObject(OutputMapper.Publish(result, Session));
                    if (result.Error != null) WriteError(ToHostErrorRecord(result.Error, Session));
                });
        }

        // Everything but what is given is put back the way it was published (the state file says how); what is given
        // is checked before any round trip (with an empty state).
        PublishSpec Spec(PublishState st) => PublishSpec.AsPublished(Name, st, null, null, null, HealthTimeoutSeconds, null, null, FrontendUrl,
            null, null, GraceSeconds, false, null);
    }
}
