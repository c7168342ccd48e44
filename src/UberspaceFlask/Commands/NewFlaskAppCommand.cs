using System.Management.Automation;
using UberspaceFlask.Core;

namespace UberspaceFlask.Commands
{
    /// <summary>Scaffolds the guide's Flask app (app.py, templates/index.html, static/style.css) with a venv.</summary>
    [Cmdlet(VerbsCommon.New, "FlaskApp", SupportsShouldProcess = true)]
    [OutputType(typeof(FlaskApp))]
    public sealed class NewFlaskAppCommand : UberspaceCmdlet
    {
        /// <summary>The SSH session to act through; without it, the local machine.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SessionCompleter))]
        public UberspaceSession Session { get; set; }

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        public string Name { get; set; }

        /// <summary>App directory on the host; default ~/Name.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Path { get; set; }

        [Parameter]
        public string Message { get; set; }

        [Parameter]
        public string EntryModule { get; set; } = "app";

        [Parameter]
        [ArgumentCompleter(typeof(PythonCompleter))]
        public string Python { get; set; }

        [Parameter]
        [AllowEmptyCollection]
        public string[] Package { get; set; } = { "flask", "uwsgi" };

        [Parameter]
        public string[] PipArgument { get; set; } = new string[0];

        [Parameter]
        public SwitchParameter SystemSitePackages { get; set; }

        /// <summary>A local directory with template overrides (app.py.liquid, index.html.liquid, style.css.liquid).</summary>
        [Parameter]
        public string TemplatePath { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            Guard(Name, () =>
            {
                var spec = new FlaskAppSpec
                {
                    Name = Name,
                    Path = Path,
                    Message = Message,
                    EntryModule = EntryModule,
                    Python = Python,
                    Packages = Package ?? new string[0],
                    PipArguments = PipArgument ?? new string[0],
                    SystemSitePackages = SystemSitePackages,
                    TemplateDirectory = ResolveLocalPath(TemplatePath),
                    Force = Force,
                };
                FlaskAppDeployer.ValidateSpec(spec);
                var shell = OpenShell(Session);
                var plan = FlaskAppDeployer.Plan(shell, spec);
                Session?.SawPython(plan.Python);
                bool changed = false;
                if (plan.HasChanges)
                {
                    // One question per change under -Confirm; -WhatIf lists each change and does none.
                    bool all = FlaskAppDeployer.Apply(shell, plan, change => ShouldProcess(change, change + "?", "New-FlaskApp " + spec.Name));
                    if (!all) return; // not everything was done: emit nothing, so the next step does not act on it
                    changed = true;
                }
                else WriteVerbose($"{plan.AppPath} is up to date.");
                WriteObject(new FlaskApp
                {
                    Name = spec.Name,
                    Path = plan.AppPath,
                    EntryModule = spec.EntryModule,
                    VenvPath = plan.VenvPath,
                    Python = plan.Python,
                    Message = spec.Message ?? FlaskAppDeployer.DefaultMessage(spec.Name),
                    Location = shell.Transport.Description,
                    Session = Session,
                    Changed = changed,
                });
            });
        }
    }
}
