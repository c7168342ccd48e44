using System;
using System.Management.Automation;
using UberspaceFlask.Core;

namespace UberspaceFlask.Commands
{
    /// <summary>Stops supervisord programs.</summary>
    [Cmdlet(VerbsLifecycle.Stop, "SupervisorService", SupportsShouldProcess = true)]
    [OutputType(typeof(SupervisorService))]
    public sealed class StopSupervisorServiceCommand : UberspaceCmdlet
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SessionCompleter))]
        public UberspaceSession Session { get; set; }

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ServiceNameCompleter))]
        public string[] Name { get; set; }

        /// <summary>Emit the service afterwards.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var name in Name)
            {
                Guard(name, () =>
                {
                    Validate.ServiceName(name);
                    var shell = OpenShell(Session);
                    if (!ShouldProcess(name + " on " + shell.Transport.Description, "Stop supervisord service")) return;
                    var status = ServiceManager.Stop(shell, name);
                    if (PassThru) WriteObject(Outputs.Service(status, shell.Home, shell.Transport.Description, Session, true));
                });
            }
        }
    }
}
