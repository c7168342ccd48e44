using System.Management.Automation;
using UberspaceFlask.Core;
using UberspaceFlask.Core.Supervisor;

namespace UberspaceFlask.Commands
{
    /// <summary>Stops a supervisord program, removes it from supervisord and deletes its ini from ~/etc/services.d.</summary>
    [Cmdlet(VerbsLifecycle.Unregister, "SupervisorService", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class UnregisterSupervisorServiceCommand : HostStepCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ServiceNameCompleter))]
        public string[] Name { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var name in Name)
                Step(name, () => InputValidation.ServiceName(name), SupervisorServices.Probe,
                    (n, facts, shell) => SupervisorServices.Plan(n, LifecycleAction.Remove, facts, shell.Where), plan => plan.Changes,
                    (shell, plan) => SupervisorServices.Apply(shell, plan, System.TimeSpan.Zero));
        }
    }
}
