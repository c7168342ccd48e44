using System;
using System.Linq;
using System.Management.Automation;
using UberspaceFlask.Core;
using UberspaceFlask.Core.Releases;

namespace UberspaceFlask.Commands
{
    /// <summary>
    /// Get-FlaskApp: every Flask app on the account, published or set up with the guide's pipeline, in one round trip:
    /// kind, app path, live release and slot, port, service state and pid, the backend routes pointing at it, URL.
    /// -Health adds the health path's status through the frontend (one more).
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "FlaskApp")]
    [OutputType(typeof(FlaskAppInfo))]
    public sealed class GetFlaskAppCommand : HostStepCmdlet
    {
        [Parameter(Position = 0)]
        [SupportsWildcards]
        public string[] Name { get; set; }

        [Parameter]
        public SwitchParameter Health { get; set; }

        /// <summary>The web frontend's base URL for the URLs and -Health; default the session's, else https://USER.uber.space.</summary>
        [Parameter]
        public string FrontendUrl { get; set; }

        protected override void ProcessRecord()
        {
            Guard(Session?.ToString() ?? "local", () =>
            {
                var patterns = (Name ?? new[] { "*" }).Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
                string given = string.IsNullOrEmpty(FrontendUrl) ? null : InputValidation.FrontendUrl(FrontendUrl);
                var shell = OpenShell(Session);
                var apps = FlaskApps.Probe(shell, given, Session?.FrontendUrl).Where(a => patterns.Any(p => p.IsMatch(a.Name))).ToList();
                var codes = Health ? FlaskApps.Health(shell, apps) : null;
                foreach (var a in apps)
                {
                    string url = FlaskApps.HealthUrl(a)?.Argument;
                    WriteObject(new FlaskAppInfo
                    {
                        Name = a.Name, Kind = a.Kind, AppPath = a.AppPath, ReleaseId = a.ReleaseId, Slot = a.Slot, Port = a.Port,
                        Service = a.Service, State = a.State, Pid = a.Pid, Routes = a.Routes.ToArray(), Url = a.Url,
                        HealthStatus = codes != null && url != null && codes.TryGetValue(url, out int c) ? c : (int?)null,
                        Location = shell.Where, Session = Session,
                    });
                }
                foreach (var n in Name ?? new string[0])
                    if (!WildcardPattern.ContainsWildcardCharacters(n) && !apps.Any(a => string.Equals(a.Name, n, StringComparison.OrdinalIgnoreCase)))
                        WriteError(ToHostErrorRecord(HostErrors.AppNotFound($"There is no Flask app {n} on {shell.Where} (neither ~/apps/{n}/state nor a service of that name that runs uWSGI).", n), Session));
            });
        }
    }
}
