using System;
using System.Management.Automation;
using UberspaceFlask.Core;
using UberspaceFlask.Core.Transport;

namespace UberspaceFlask.Commands
{
    /// <summary>Start-, Stop- and Restart-SupervisorService: the same parameters and flow, a different supervisorctl verb.</summary>
    public abstract class SupervisorServiceActionCommand : UberspaceCmdlet
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

        internal abstract string Action { get; }
        internal abstract SupervisorProgramStatus Act(HostShell shell, string name);

        protected override void ProcessRecord()
        {
            foreach (var name in Name)
            {
                Guard(name, () =>
                {
                    Validate.ServiceName(name);
                    var shell = OpenShell(Session);
                    if (!ShouldProcess(name + " on " + shell.Transport.Description, Action + " supervisord service")) return;
                    var status = Act(shell, name);
                    if (PassThru) WriteObject(Outputs.Service(status, shell.Home, shell.Transport.Description, Session, true));
                });
            }
        }
    }

    /// <summary>Starts supervisord services and waits until they are RUNNING.</summary>
    [Cmdlet(VerbsLifecycle.Start, "SupervisorService", SupportsShouldProcess = true)]
    [OutputType(typeof(SupervisorService))]
    public sealed class StartSupervisorServiceCommand : SupervisorServiceActionCommand
    {
        /// <summary>Seconds to wait for RUNNING.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSeconds { get; set; } = 60;

        internal override string Action => "Start";
        internal override SupervisorProgramStatus Act(HostShell shell, string name) => ServiceManager.Start(shell, name, TimeSpan.FromSeconds(TimeoutSeconds));
    }

    /// <summary>Restarts supervisord services and waits until they are RUNNING again.</summary>
    [Cmdlet(VerbsLifecycle.Restart, "SupervisorService", SupportsShouldProcess = true)]
    [OutputType(typeof(SupervisorService))]
    public sealed class RestartSupervisorServiceCommand : SupervisorServiceActionCommand
    {
        /// <summary>Seconds to wait for RUNNING.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSeconds { get; set; } = 60;

        internal override string Action => "Restart";
        internal override SupervisorProgramStatus Act(HostShell shell, string name) => ServiceManager.Restart(shell, name, TimeSpan.FromSeconds(TimeoutSeconds));
    }

    /// <summary>Stops supervisord services.</summary>
    [Cmdlet(VerbsLifecycle.Stop, "SupervisorService", SupportsShouldProcess = true)]
    [OutputType(typeof(SupervisorService))]
    public sealed class StopSupervisorServiceCommand : SupervisorServiceActionCommand
    {
        internal override string Action => "Stop";
        internal override SupervisorProgramStatus Act(HostShell shell, string name) => ServiceManager.Stop(shell, name);
    }
}
