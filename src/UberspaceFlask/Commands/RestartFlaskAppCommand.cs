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
            Guard(Name, () =>
            {
                // Everything else is put back the way it was published (the state file says how); what is given is
                // checked before any round trip.
                PublishSpec Spec(PublishState st) => PublishSpec.Create(Name, ".", null, null, "python3", null, false, null, null,
                    st.WebPath ?? "/", st.Domain, st.HealthPath ?? "/", HealthTimeoutSeconds, st.Processes ?? 2, st.Threads ?? 0,
                    null, 5, FrontendUrl, null, null, GraceSeconds, false);
                Spec(new PublishState());
                var shell = OpenShell(Session);
                var facts = PublishProbe.Run(shell, Name, "python3", null);
                if (facts.State.Current == null)
                {
                    // Not published: the guide's pipeline registered it as a supervisord service of its own name.
                    InputValidation.ServiceName(Name);
                    var service = SupervisorServices.Plan(Name, LifecycleAction.Restart, SupervisorServices.Probe(shell, Name), shell.Where);
                    if (!ShouldProcessChanges(service.Changes, shell.Where)) return;
                    var status = SupervisorServices.Apply(shell, service, TimeSpan.FromSeconds(HealthTimeoutSeconds));
                    WriteObject(OutputMapper.Service(service, status, shell.Where, Session, true));
                    return;
                }
                var plan = PublishPlanner.PlanRestart(Spec(facts.State), facts, BreakLock, Session?.FrontendUrl);
                if (!ShouldProcessChanges(plan.Changes, shell.Where)) return;
                var result = Publisher.Apply(shell, plan);
                WriteObject(OutputMapper.Publish(result, Session));
                if (result.Error != null) WriteError(ToHostErrorRecord(result.Error, Session));
            });
        }
    }
}
