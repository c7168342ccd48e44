using System;
using System.Management.Automation;
using UberspaceFlask.Core;

namespace UberspaceFlask.Commands
{
    /// <summary>Registers the app's uWSGI as a supervisord service and waits until it is RUNNING.</summary>
    [Cmdlet(VerbsLifecycle.Register, "SupervisorService", SupportsShouldProcess = true)]
    [OutputType(typeof(SupervisorService))]
    public sealed class RegisterSupervisorServiceCommand : UberspaceCmdlet
    {
        /// <summary>The SSH session to act through; without it, the local machine.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SessionCompleter))]
        public UberspaceSession Session { get; set; }

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

        /// <summary>supervisord's startsecs: how long the program must stay up to count as RUNNING.</summary>
        [Parameter]
        public int StartSeconds { get; set; } = 15;

        /// <summary>Seconds to wait for RUNNING on top of StartSeconds.</summary>
        [Parameter]
        public int TimeoutSeconds { get; set; } = 45;

        [Parameter]
        public string TemplatePath { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            Guard(Name, () =>
            {
                var spec = new SupervisorSpec
                {
                    Name = Name,
                    AppPath = AppPath,
                    UwsgiPath = UwsgiPath,
                    StartSeconds = StartSeconds,
                    ExtraWait = TimeSpan.FromSeconds(Math.Max(0, TimeoutSeconds)),
                    TemplateDirectory = ResolveLocalPath(TemplatePath),
                    Force = Force,
                };
                SupervisorRegistrar.ValidateSpec(spec);
                var shell = OpenShell(Session);
                var plan = SupervisorRegistrar.Plan(shell, spec);
                var changes = SupervisorRegistrar.Describe(plan);
                if (changes.Count > 0 && !ShouldProcessPlan(spec.Name, "Register supervisord service", changes))
                    return;
                var outcome = SupervisorRegistrar.Apply(shell, plan);
                var status = outcome.Status;
                Session?.SawService(spec.Name);
                WriteObject(new SupervisorService
                {
                    Name = spec.Name,
                    State = status.State,
                    Pid = status.Pid,
                    Uptime = status.Uptime,
                    ConfigPath = plan.IniPath,
                    AppPath = plan.AppPath,
                    Port = plan.Port,
                    MountPath = plan.MountPath,
                    Location = shell.Transport.Description,
                    Session = Session,
                    Changed = outcome.Changed,
                    Restarted = outcome.Restarted,
                    Reason = outcome.Reason,
                });
            });
        }
    }
}
