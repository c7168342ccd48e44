using System.Management.Automation;
using UberspaceFlask.Core;

namespace UberspaceFlask.Commands
{
    /// <summary>Writes the app's uwsgi.ini.</summary>
    [Cmdlet(VerbsCommon.New, "UwsgiConfig", SupportsShouldProcess = true)]
    [OutputType(typeof(UwsgiConfig))]
    public sealed class NewUwsgiConfigCommand : UberspaceCmdlet
    {
        /// <summary>The SSH session to act through; without it, the local machine.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SessionCompleter))]
        public UberspaceSession Session { get; set; }

        /// <summary>The app directory (binds FlaskApp.Path).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("AppPath")]
        public string Path { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Name { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string EntryModule { get; set; } = "app";

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string VenvPath { get; set; }

        [Parameter]
        public int Port { get; set; } = 1024;

        [Parameter]
        public string MountPath { get; set; } = "/";

        [Parameter]
        public int Processes { get; set; } = 1;

        [Parameter]
        public int Threads { get; set; }

        [Parameter]
        [AllowEmptyCollection]
        public string[] Plugin { get; set; }

        [Parameter]
        public string UwsgiPath { get; set; }

        [Parameter]
        public string TemplatePath { get; set; }

        protected override void ProcessRecord()
        {
            Guard(Path, () =>
            {
                var spec = new UwsgiSpec
                {
                    AppPath = Path,
                    Name = Name,
                    EntryModule = EntryModule ?? "app",
                    VenvPath = VenvPath,
                    Port = Port,
                    MountPath = MountPath,
                    Processes = Processes,
                    Threads = Threads,
                    Plugins = IsBound(nameof(Plugin)) ? (Plugin ?? new string[0]) : null,
                    UwsgiPath = UwsgiPath,
                    TemplateDirectory = ResolveLocalPath(TemplatePath),
                };
                UwsgiConfigurator.ValidateSpec(spec);
                var shell = OpenShell(Session);
                var plan = UwsgiConfigurator.Plan(shell, spec);
                bool changed = false;
                if (plan.Kind != ChangeKind.Unchanged)
                {
                    if (!ShouldProcessPlan(plan.IniPath, "Write uwsgi.ini",
                        new[] { (plan.Kind == ChangeKind.Create ? "create " : "overwrite ") + plan.IniPath + $" ({LineDiff.Summary(plan.Existing, plan.Content)}; port {spec.Port}, mount {plan.MountPath})" }))
                        return;
                    UwsgiConfigurator.Apply(shell, plan);
                    changed = true;
                }
                WriteObject(new UwsgiConfig
                {
                    Name = plan.Name,
                    AppPath = plan.AppPath,
                    ConfigPath = plan.IniPath,
                    Port = spec.Port,
                    MountPath = plan.MountPath,
                    UwsgiPath = plan.UwsgiPath,
                    VenvPath = plan.VenvPath,
                    Plugins = plan.Plugins,
                    Location = shell.Transport.Description,
                    Session = Session,
                    Changed = changed,
                });
            });
        }
    }
}
