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
            {
                Guard(name, () =>
                {
                    InputValidation.ServiceName(name);
                    var shell = OpenShell(Session);
                    var plan = SupervisorServices.Plan(name, LifecycleAction.Remove, SupervisorServices.Probe(shell, name), shell.Where);
                    if (!ShouldProcessChanges(plan.Changes, shell.Where)) return;
                    SupervisorServices.Apply(shell, plan, System.TimeSpan.Zero);
                });
            }
        }
    }
}
