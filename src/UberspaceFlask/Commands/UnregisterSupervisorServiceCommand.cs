using System.Management.Automation;
using UberspaceFlask.Core;

namespace UberspaceFlask.Commands
{
    /// <summary>Stops a supervisord program, removes it from supervisord and deletes its ini from ~/etc/services.d.</summary>
    [Cmdlet(VerbsLifecycle.Unregister, "SupervisorService", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class UnregisterSupervisorServiceCommand : UberspaceCmdlet
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SessionCompleter))]
        public UberspaceSession Session { get; set; }

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ServiceNameCompleter))]
        public string[] Name { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var name in Name)
            {
                Guard(name, () =>
                {
                    Validate.ServiceName(name);
                    var shell = OpenShell(Session);
                    if (!ShouldProcess($"{name} on {shell.Transport.Description}", "Stop, remove and delete ~/etc/services.d/" + name + ".ini")) return;
                    ServiceManager.Unregister(shell, name);
                });
            }
        }
    }
}
