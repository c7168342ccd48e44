using System.Linq;
using System.Management.Automation;
using UberspaceFlask.Core;

namespace UberspaceFlask.Commands
{
    /// <summary>Points the host's web frontend at a port: `uberspace web backend set`.</summary>
    [Cmdlet(VerbsCommon.Set, "WebBackend", SupportsShouldProcess = true, DefaultParameterSetName = HttpSet)]
    [OutputType(typeof(WebBackend))]
    public sealed class SetWebBackendCommand : UberspaceCmdlet
    {
        /// <summary>The SSH session to act through; without it, the local machine.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SessionCompleter))]
        public UberspaceSession Session { get; set; }

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

        protected override void ProcessRecord()
        {
            Guard(Path, () =>
            {
                var spec = new WebBackendSpec
                {
                    Path = Path ?? "/",
                    Domain = string.IsNullOrEmpty(Domain) ? null : Domain,
                    Port = Port,
                    Apache = Apache,
                    RemovePrefix = RemovePrefix,
                };
                WebBackendManager.ValidateSpec(spec);
                var shell = OpenShell(Session);
                string target = WebBackendList.TargetFor(spec.Domain, spec.Path);
                // Look first: an identical backend is left alone, so a re-run changes nothing.
                var entry = WebBackendManager.List(shell).FirstOrDefault(e => WebBackendList.Matches(e, spec.Domain, spec.Path));
                bool changed = !WebBackendManager.IsSatisfied(entry, spec);
                if (changed)
                {
                    if (!ShouldProcessPlan(target, "Set web backend", new[] { string.Join(" ", WebBackendManager.SetArguments(spec)) }))
                        return;
                    entry = WebBackendManager.Set(shell, spec);
                }
                Session?.SawBackendPath(entry.Path);
                if (entry.StatusKind == BackendStatusKind.WrongInterface)
                    WriteWarning($"The backend {entry.Target} is set, but the frontend cannot reach it: {entry.Status}. Bind the app to all interfaces (http-socket = :{entry.Port}), not 127.0.0.1.");
                else if (entry.StatusKind == BackendStatusKind.NoService)
                    WriteWarning($"The backend {entry.Target} is set, but nothing listens on port {entry.Port}. Start the service (Register-SupervisorService) or check the port.");
                var output = Convert(entry, shell.Transport.Description, changed);
                output.Session = Session;
                output.AppPath = AppPath;
                WriteObject(output);
            });
        }

        internal static WebBackend Convert(WebBackendEntry e, string location, bool changed) => new WebBackend
        {
            Target = e.Target,
            Domain = e.Domain,
            Path = e.Path,
            Kind = e.Kind,
            Port = e.Port,
            RemovePrefix = e.RemovePrefix,
            IsDefault = e.IsDefault,
            Status = e.Status,
            StatusKind = e.StatusKind.ToString(),
            Pid = e.Pid,
            ProcessCommand = e.ProcessCommand,
            ListenAddress = e.ListenAddress,
            Location = location,
            Changed = changed,
        };
    }
}
