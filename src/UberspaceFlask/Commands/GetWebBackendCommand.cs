using System.Linq;
using System.Management.Automation;
using UberspaceFlask.Core.Web;

namespace UberspaceFlask.Commands
{
    /// <summary>The web backends with their status, parsed from `uberspace web backend list`.</summary>
    [Cmdlet(VerbsCommon.Get, "WebBackend")]
    [OutputType(typeof(WebBackend))]
    public sealed class GetWebBackendCommand : HostStepCmdlet
    {
        /// <summary>URL paths, wildcards allowed.</summary>
        [Parameter(Position = 0)]
        [ArgumentCompleter(typeof(BackendPathCompleter))]
        [SupportsWildcards]
        public string[] Path { get; set; }

        protected override void ProcessRecord()
        {
            Guard(Path, () =>
            {
                var shell = OpenShell(Session);
                var patterns = (Path ?? new[] { "*" }).Select(p => new WildcardPattern(p, WildcardOptions.IgnoreCase)).ToList();
                foreach (var e in WebBackends.List(shell))
                {
                    Session?.SawBackendPath(e.Path);
                    if (!patterns.Any(p => p.IsMatch(e.Path) || p.IsMatch(e.Target))) continue;
                    WriteObject(OutputMapper.Backend(e, shell.Where, Session, false));
                }
            });
        }
    }
}
