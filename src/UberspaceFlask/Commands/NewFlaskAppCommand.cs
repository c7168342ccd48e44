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
            Step(Name, () => FlaskAppSpec.Create(Name, Path, Message, EntryModule, Python, Package, PipArgument, SystemSitePackages,
                    ResolveLocalPath(TemplatePath), Force),
                FlaskAppScaffolder.Probe, (spec, facts, shell) => Seen(FlaskAppScaffolder.Plan(spec, facts)), plan => plan.Changes, run =>
                {
                    if (run.Changes) FlaskAppScaffolder.Apply(run.Shell, run.Spec, run.Plan);
                    else WriteVerbose($"{run.Plan.AppPath} is up to date.");
                    var output = OutputMapper.App(run.Spec, run.Plan, run.Shell.Where, Session, run.Changes);
                    // Unchanged, what the probe saw for uwsgi.ini still holds: New-UwsgiConfig needs no probe of its own.
                    if (!run.Changes) output.UwsgiFacts = Handover.Of(run.Facts.Uwsgi, run.Spec.EntryModule);
                    WriteObject(output);
                });
        }

        // The session remembers the python the host has (tab completion offers it), even under -WhatIf.
        FlaskAppPlan Seen(FlaskAppPlan plan)
        {
            Session?.SawPython(plan.Python);
            return plan;
        }
    }
}
