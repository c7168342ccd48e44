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
            Guard(Path, () =>
            {
                var spec = WebBackendSpec.ForTarget(Path, Domain);
                var shell = OpenShell(Session);
                var plan = WebBackends.PlanRemove(spec, WebBackends.List(shell), shell.Where);
                if (!ShouldProcessChanges(plan.Changes, shell.Where)) return;
                WebBackends.Apply(shell, spec, plan, remove: true, out _);
            });
        }
    }
}
