using System.Management.Automation;
using UberspaceFlask.Core.Web;

namespace UberspaceFlask.Commands
{
    /// <summary>Deletes a web backend (`uberspace web backend del`); deleting / restores Apache.</summary>
    [Cmdlet(VerbsCommon.Remove, "WebBackend", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class RemoveWebBackendCommand : HostStepCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("MountPath")]
        [ArgumentCompleter(typeof(BackendPathCompleter))]
        public string Path { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Domain { get; set; }

        protected override void ProcessRecord()
        {
            Step(Path, () => WebBackendSpec.ForTarget(Path, Domain), (shell, spec) => WebBackends.List(shell),
                (spec, listed, shell) => WebBackends.PlanRemove(spec, listed, shell.Where), plan => plan.Changes,
                run => WebBackends.Apply(run.Shell, run.Spec, run.Plan, remove: true, out _));
        }
    }
}
