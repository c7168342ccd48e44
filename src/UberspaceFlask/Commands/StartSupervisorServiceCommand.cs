using System;
using System.Management.Automation;
using UberspaceFlask.Core;

namespace UberspaceFlask.Commands
{
    /// <summary>Starts supervisord programs.</summary>
    [Cmdlet(VerbsLifecycle.Start, "SupervisorService", SupportsShouldProcess = true)]
    [OutputType(typeof(SupervisorService))]
    public sealed class StartSupervisorServiceCommand : UberspaceCmdlet
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SessionCompleter))]
        public UberspaceSession Session { get; set; }

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ServiceNameCompleter))]
        public string[] Name { get; set; }

        /// <summary>Seconds to wait for RUNNING.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSeconds { get; set; } = 60;

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
                    if (!ShouldProcess(name + " on " + shell.Transport.Description, "Start supervisord service")) return;
                    var status = ServiceManager.Start(shell, name, TimeSpan.FromSeconds(TimeoutSeconds));
                    if (PassThru) WriteObject(Outputs.Service(status, shell.Home, shell.Transport.Description, Session, true));
                });
            }
        }
    }
}
