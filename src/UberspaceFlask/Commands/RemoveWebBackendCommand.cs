using System.Management.Automation;
using UberspaceFlask.Core;

namespace UberspaceFlask.Commands
{
    /// <summary>Deletes a web backend (`uberspace web backend del`); deleting / restores Apache.</summary>
    [Cmdlet(VerbsCommon.Remove, "WebBackend", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class RemoveWebBackendCommand : UberspaceCmdlet
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SessionCompleter))]
        public UberspaceSession Session { get; set; }

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
                string path = Validate.MountPath(Path ?? "/", "InvalidBackendPath");
                string domain = string.IsNullOrEmpty(Domain) ? null : Validate.Domain(Domain);
                var shell = OpenShell(Session);
                string target = WebBackendList.TargetFor(domain, path);
                if (!ShouldProcess($"{target} on {shell.Transport.Description}", "uberspace web backend del")) return;
                WebBackendManager.Remove(shell, domain, path);
            });
        }
    }
}
