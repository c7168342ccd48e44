using System;
using System.Management.Automation;
using UberspaceFlask.Core;
using UberspaceFlask.Core.Supervisor;

namespace UberspaceFlask.Commands
{
    /// <summary>Start-, Stop- and Restart-SupervisorService: the same parameters and flow, a different supervisorctl verb.</summary>
    public abstract class SupervisorServiceActionCommand : HostStepCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ServiceNameCompleter))]
        public string[] Name { get; set; }

        /// <summary>Emit the service afterwards.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        internal abstract LifecycleAction Action { get; }
        internal virtual int Timeout => 60;

        protected override void ProcessRecord()
        {
            foreach (var name in Name)
                Step(name, () => InputValidation.ServiceName(name), SupervisorServices.Probe,
                    (n, facts, shell) => SupervisorServices.Plan(n, Action, facts, shell.Where), plan => plan.Changes, (shell, plan) =>
                    {
                        var status = SupervisorServices.Apply(shell, plan, TimeSpan.FromSeconds(Timeout));
                        if (PassThru) WriteObject(OutputMapper.Service(plan, status, shell.Where, Session, plan.Changes.Count > 0));
                    });
        }
    }

    /// <summary>Starts supervisord services and waits until their apps answer.</summary>
    [Cmdlet(VerbsLifecycle.Start, "SupervisorService", SupportsShouldProcess = true)]
    [OutputType(typeof(SupervisorService))]
    public sealed class StartSupervisorServiceCommand : SupervisorServiceActionCommand
    {
        /// <summary>Seconds to wait for the app to answer.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSeconds { get; set; } = 60;

        internal override LifecycleAction Action => LifecycleAction.Start;
        internal override int Timeout => TimeoutSeconds;
    }

    /// <summary>Restarts supervisord services and waits until their apps answer again.</summary>
    [Cmdlet(VerbsLifecycle.Restart, "SupervisorService", SupportsShouldProcess = true)]
    [OutputType(typeof(SupervisorService))]
    public sealed class RestartSupervisorServiceCommand : SupervisorServiceActionCommand
    {
        /// <summary>Seconds to wait for the app to answer.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSeconds { get; set; } = 60;

        internal override LifecycleAction Action => LifecycleAction.Restart;
        internal override int Timeout => TimeoutSeconds;
    }

    /// <summary>Stops supervisord services.</summary>
    [Cmdlet(VerbsLifecycle.Stop, "SupervisorService", SupportsShouldProcess = true)]
    [OutputType(typeof(SupervisorService))]
    public sealed class StopSupervisorServiceCommand : SupervisorServiceActionCommand
    {
        internal override LifecycleAction Action => LifecycleAction.Stop;
    }
}
