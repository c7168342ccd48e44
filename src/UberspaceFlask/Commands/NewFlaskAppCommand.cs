using System.Management.Automation;
using UberspaceFlask.Core.Apps;

namespace UberspaceFlask.Commands
{
    /// <summary>Scaffolds the guide's Flask app (app.py, templates/index.html, static/style.css) with a venv.</summary>
    [Cmdlet(VerbsCommon.New, "FlaskApp", SupportsShouldProcess = true)]
    [OutputType(typeof(FlaskApp))]
    public sealed class NewFlaskAppCommand : HostStepCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        public string Name { get; set; }

        /// <summary>App directory on the host; default ~/Name.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("AppPath")]
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
                var spec = FlaskAppSpec.Create(Name, Path, Message, EntryModule, Python, Package, PipArgument, SystemSitePackages,
                    ResolveLocalPath(TemplatePath), Force);
                var shell = OpenShell(Session);
                var facts = FlaskAppScaffolder.Probe(shell, spec);
                var plan = FlaskAppScaffolder.Plan(spec, facts);
                Session?.SawPython(plan.Python);
                if (plan.Changes.Count > 0)
                {
                    // Not everything approved (-WhatIf, or No under -Confirm): emit nothing, so the next step does not act on it.
                    if (!ShouldProcessChanges(plan.Changes, shell.Where)) return;
                    FlaskAppScaffolder.Apply(shell, spec, plan);
                }
                else WriteVerbose($"{plan.AppPath} is up to date.");
                var output = OutputMapper.App(spec, plan, shell.Where, Session, plan.Changes.Count > 0);
                // Unchanged, what the probe saw for uwsgi.ini still holds: New-UwsgiConfig needs no probe of its own.
                if (plan.Changes.Count == 0) output.UwsgiFacts = Handover.Of(facts.Uwsgi, spec.EntryModule);
                WriteObject(output);
            });
        }
    }
}
