using System;
using System.Linq;
using System.Management.Automation;
using UberspaceFlask.Core.Web;

namespace UberspaceFlask.Commands
{
    /// <summary>Points the host's web frontend at a port: `uberspace web backend set`.</summary>
    [Cmdlet(VerbsCommon.Set, "WebBackend", SupportsShouldProcess = true, DefaultParameterSetName = HttpSet)]
    [OutputType(typeof(WebBackend))]
    public sealed class SetWebBackendCommand : HostStepCmdlet
    {
        public const string HttpSet = "Http";
        public const string ApacheSet = "Apache";

        /// <summary>The URL path (binds MountPath from the upstream objects).</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("MountPath")]
        [ArgumentCompleter(typeof(BackendPathCompleter))]
        public string Path { get; set; } = "/";

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Domain { get; set; }

        [Parameter(ParameterSetName = HttpSet, ValueFromPipelineByPropertyName = true)]
        public int? Port { get; set; }

        [Parameter(ParameterSetName = HttpSet)]
        public SwitchParameter RemovePrefix { get; set; }

        [Parameter(ParameterSetName = ApacheSet, Mandatory = true)]
        public SwitchParameter Apache { get; set; }

        /// <summary>The app behind the backend: only carried to the output, for Test-FlaskDeployment.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string AppPath { get; set; }

        /// <summary>The backend list the step before read (Register-SupervisorService's BackendList), used while fresh.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
        public HandedOver BackendList { get; set; }

        protected override void ProcessRecord()
        {
            Step(Path, () => WebBackendSpec.Create(Path, Domain, Port, Apache, RemovePrefix), (shell, spec) => Listed(shell),
                (spec, listed, shell) => WebBackends.PlanSet(spec, WebBackendList.Parse(listed.Text)), plan => plan.Changes, Apply);
        }

        void Apply(StepRun<WebBackendSpec, WebBackendListSnapshot, WebBackendPlan> run)
        {
            var shell = run.Shell;
            var spec = run.Spec;
            var listed = run.Facts;
            bool changed = run.Changes;
            var entry = WebBackends.Apply(shell, spec, run.Plan, remove: false, out string listAfter);
            if (changed)
                listed = new WebBackendListSnapshot(listAfter, DateTime.UtcNow);
            else if (!listed.StatusCurrent)
            {
                // The step before started or stopped the app: its lines hold, their status may not. The entry
                // reported (and the warnings below) must say what the host says now.
                listed = new WebBackendListSnapshot(WebBackends.ListText(shell), DateTime.UtcNow);
                entry = WebBackendList.Parse(listed.Text).FirstOrDefault(e => WebBackendList.Matches(e, spec.Domain, spec.Path)) ?? entry;
            }
            Session?.SawBackendPath(entry.Path);
            if (entry.StatusKind == BackendStatusKind.WrongInterface)
                WriteWarning($"The backend {entry.Target} is set, but the frontend cannot reach it: {entry.Status}. Bind the app to all interfaces (http-socket = :{entry.Port}), not 127.0.0.1.");
            else if (entry.StatusKind == BackendStatusKind.NoService)
                WriteWarning($"The backend {entry.Target} is set, but nothing listens on port {entry.Port}. Start the service (Register-SupervisorService) or check the port.");
            var output = OutputMapper.Backend(entry, shell.Where, Session, changed, AppPath);
            // The list as the host shows it now: Test-FlaskDeployment needs no call of its own.
            output.BackendList = Handover.Of(listed);
            WriteObject(output);
        }

        // What the step before handed over, while fresh; otherwise the list is read now.
        WebBackendListSnapshot Listed(Core.Host.HostShell shell) =>
            Handover.FreshBackendList(this, BackendList, shell.Where) ?? new WebBackendListSnapshot(WebBackends.ListText(shell), DateTime.UtcNow);
    }
}
