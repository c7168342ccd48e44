using System.Management.Automation;
using UberspaceFlask.Core;
using UberspaceFlask.Core.Apps;
using UberspaceFlask.Core.Host;

namespace UberspaceFlask.Commands
{
    /// <summary>Deletes an app directory (with its venv) that this module made.</summary>
    [Cmdlet(VerbsCommon.Remove, "FlaskApp", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(void))]
    public sealed class RemoveFlaskAppCommand : HostStepCmdlet
    {
        public const string NameSet = "Name";
        public const string PathSet = "Path";

        /// <summary>The app's name: its directory is ~/Name.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = NameSet)]
        public string Name { get; set; }

        /// <summary>The app directory (binds Path or AppPath of the module's objects).</summary>
        [Parameter(Mandatory = true, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
        [Alias("AppPath")]
        public string Path { get; set; }

        /// <summary>Delete it even while a supervisord service still runs it.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            Step(Name ?? Path, () => ParameterSetName == NameSet ? FlaskAppRemover.PathOf(Name) : InputValidation.HostPath(Path),
                FlaskAppRemover.Probe, (path, facts, shell) => FlaskAppRemover.Plan(facts, Force), FlaskAppRemover.Changes, FlaskAppRemover.Apply);
        }
    }
}
