using System.Management.Automation;
using UberspaceFlask.Core.Uwsgi;

namespace UberspaceFlask.Commands
{
    /// <summary>Writes the app's uwsgi.ini.</summary>
    [Cmdlet(VerbsCommon.New, "UwsgiConfig", SupportsShouldProcess = true)]
    [OutputType(typeof(UwsgiConfig))]
    public sealed class NewUwsgiConfigCommand : HostStepCmdlet
    {
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

        /// <summary>What New-FlaskApp's probe saw, when it changed nothing; used while fresh.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
        public HandedOver UwsgiFacts { get; set; }

        /// <summary>Replace a uwsgi.ini that was edited by hand (the old one is kept as uwsgi.ini.uf-backup).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            Step(Path, () => UwsgiSpec.Create(Path, Name, EntryModule, VenvPath, Port, MountPath, Processes, Threads,
                    IsBound(nameof(Plugin)) ? (Plugin ?? new string[0]) : null, UwsgiPath, ResolveLocalPath(TemplatePath), Force),
                // What New-FlaskApp's probe saw, while fresh, stands for this step's probe.
                (shell, spec) => Handover.FreshUwsgiFacts(this, UwsgiFacts, spec, shell.Where) ?? UwsgiConfigWriter.Probe(shell, spec),
                (spec, facts, shell) => UwsgiConfigWriter.Plan(spec, facts), plan => plan.Changes, run =>
                {
                    if (run.Changes) UwsgiConfigWriter.Apply(run.Shell, run.Plan);
                    WriteObject(OutputMapper.Uwsgi(run.Plan, run.Shell.Where, Session, run.Changes));
                });
        }
    }
}
