using System.Management.Automation;
using UberspaceFlask.Core.Supervisor;

namespace UberspaceFlask.Commands
{
    /// <summary>Registers the app's uWSGI as a supervisord service and waits until it is RUNNING.</summary>
    [Cmdlet(VerbsLifecycle.Register, "SupervisorService", SupportsShouldProcess = true)]
    [OutputType(typeof(SupervisorService))]
    public sealed class RegisterSupervisorServiceCommand : HostStepCmdlet
    {
        [Parameter(Position = 0)]
        [AllowEmptyString]
        [ArgumentCompleter(typeof(ServiceNameCompleter))]
        public string Name { get; set; } = "flask";

        /// <summary>The directory with uwsgi.ini (binds UwsgiConfig.AppPath).</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Path")]
        public string AppPath { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string UwsgiPath { get; set; }

        /// <summary>supervisord's startsecs: how long the program must stay up to count as RUNNING (a crash guard; the cmdlet returns as soon as the app answers).</summary>
        [Parameter]
        public int StartSeconds { get; set; } = 15;

        /// <summary>Seconds to wait for the app to answer, on top of StartSeconds.</summary>
        [Parameter]
        public int TimeoutSeconds { get; set; } = 45;

        [Parameter]
        public string TemplatePath { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            // Applied with no change too: an unchanged service is still started and waited for.
            Step(Name, () => SupervisorSpec.Create(Name, AppPath, UwsgiPath, StartSeconds, TimeoutSeconds, ResolveLocalPath(TemplatePath), Force),
                SupervisorServiceRegistrar.Probe, (spec, facts, shell) => SupervisorServiceRegistrar.Plan(spec, facts), plan => plan.Changes,
                (shell, plan) =>
                {
                    var outcome = SupervisorServiceRegistrar.Apply(shell, plan);
                    Session?.SawService(plan.Name);
                    WriteObject(OutputMapper.Service(plan, outcome, shell.Where, Session));
                });
        }
    }
}
