using System;
using System.Collections.Generic;
using System.Linq;
using UberspaceFlask.Core.Host;
using UberspaceFlask.Core.Supervisor;
using UberspaceFlask.Core.Uwsgi;
using UberspaceFlask.Core.Web;

namespace UberspaceFlask.Core.Releases
{
    /// <summary>A Flask app on an account, as Get-FlaskApp shows it.</summary>
    public sealed class FlaskAppEntry
    {
        public string Name { get; set; }
        /// <summary>"Published" (Publish-FlaskApp) or "Guide" (the guide's pipeline: a service that runs uWSGI).</summary>
        public string Kind { get; set; }
        public string AppPath { get; set; }
        public string ReleaseId { get; set; }
        public string Slot { get; set; }
        public int? Port { get; set; }
        /// <summary>The supervisord program that serves it.</summary>
        public string Service { get; set; }
        public string State { get; set; }
        public int? Pid { get; set; }
        /// <summary>The backend targets (PATH or DOMAIN/PATH) that point at its port.</summary>
        public List<string> Routes { get; set; } = new List<string>();
        /// <summary>Where the first route is reached through the frontend; null without a route.</summary>
        public string Url { get; set; }
        /// <summary>The frontend's base URL and the domain of the first route (null: the account's own), behind Url.</summary>
        public string FrontendBase { get; set; }
        public string Domain { get; set; }
        /// <summary>The path a health check requests (a published app's -HealthPath; "/" for the guide's).</summary>
        public string HealthPath { get; set; }
    }

    /// <summary>Every Flask app of an account from apps/list.sh's one round trip; the reading is a pure function.</summary>
    public static class FlaskApps
    {
        public static List<FlaskAppEntry> Probe(HostShell shell, string givenFrontendUrl, string sessionFrontendUrl)
        {
            var r = shell.RunScriptChecked("apps/list", "AppListFailed", "Listing the apps", new ScriptArgument[0], TimeSpan.FromSeconds(60));
            return Read(r.Output, givenFrontendUrl, sessionFrontendUrl);
        }

        /// <summary>The frontend URLs given to the cmdlet and the session's (either null) choose the URLs: <see cref="Frontend.Base"/>.</summary>
        public static List<FlaskAppEntry> Read(ScriptOutput o, string givenFrontendUrl, string sessionFrontendUrl)
        {
            string home = HostPaths.Normalize(o.Facts("host").TryGetValue("home", out var h) ? h : "/home/user");
            var status = SupervisorStatusParser.Parse(o.Text("status"));
            var backends = WebBackendList.Parse(o.Text("backends"));
            var listeners = Listeners.Parse(o.Text("listeners"));
            var services = ServiceIni.ReadAll(home, o);
            var apps = new List<FlaskAppEntry>();
            var published = o.Names.Where(n => n.StartsWith("published:", StringComparison.Ordinal)).Distinct().ToList();
            var slots = new HashSet<string>(StringComparer.Ordinal);
            foreach (var section in published)
            {
                string name = section.Substring("published:".Length);
                var st = PublishState.Read(o.Text(section));
                slots.Add(PublishLayout.SlotService(name, "a"));
                slots.Add(PublishLayout.SlotService(name, "b"));
                if (st.Current == null) continue;
                var app = new FlaskAppEntry
                {
                    Name = name, Kind = "Published", AppPath = new PublishDirectory(HostPaths.Combine(home, "apps/" + name)).Release(st.Current),
                    ReleaseId = st.Current, Slot = st.Slot, Port = st.PortOf(st.Slot), Service = PublishLayout.SlotService(name, st.Slot ?? "a"),
                    HealthPath = st.HealthPath ?? "/",
                };
                apps.Add(app);
            }
            foreach (var svc in services.Where(s => !slots.Contains(s.Name) && (s.Command ?? "").IndexOf("uwsgi", StringComparison.Ordinal) >= 0))
            {
                var app = new FlaskAppEntry { Name = svc.Name, Kind = "Guide", AppPath = svc.Directory, Service = svc.Name, HealthPath = "/" };
                var ini = svc.Directory == null ? null : o.File("uwsgi:" + svc.Directory);
                if (ini != null && ini.Exists && ini.Text != null) app.Port = UwsgiIni.Read(ini.Text).Port;
                apps.Add(app);
            }
            foreach (var app in apps)
            {
                var s = status.FirstOrDefault(p => p.Name == app.Service);
                app.State = s?.State ?? SupervisorState.NotFound;
                app.Pid = s?.Pid;
                // A guide-style app without a readable uwsgi.ini: the port its running process listens on.
                if (app.Port == null && app.Pid != null)
                    app.Port = listeners.FirstOrDefault(l => l.Pids.Contains(app.Pid.Value))?.Port;
                if (app.Port != null)
                    app.Routes = backends.Where(b => b.Port == app.Port).Select(b => WebBackendList.TargetFor(b.Domain, b.Path)).ToList();
                var first = backends.FirstOrDefault(b => app.Port != null && b.Port == app.Port);
                if (first != null)
                {
                    app.FrontendBase = Frontend.Base(givenFrontendUrl, sessionFrontendUrl, first.Domain, home);
                    app.Domain = first.Domain;
                    app.Url = app.FrontendBase + (first.Path ?? "/");
                }
            }
            return apps.OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
        }

        /// <summary>The request of an app's health path through the frontend (its first route); null without one.</summary>
        public static FrontendRequest HealthUrl(FlaskAppEntry app)
        {
            if (app.Url == null) return null;
            return Frontend.Request(app.FrontendBase, app.Domain, Frontend.Under(app.Url.Substring(app.FrontendBase.Length), app.HealthPath));
        }

        /// <summary>The HTTP status of each app's health URL, fetched on the host (diagnosis/http.sh): one round trip.</summary>
        public static Dictionary<string, int> Health(HostShell shell, IEnumerable<FlaskAppEntry> apps)
        {
            var urls = apps.Select(HealthUrl).Where(u => u != null).Select(u => u.Argument).Distinct().ToList();
            var codes = new Dictionary<string, int>(StringComparer.Ordinal);
            if (urls.Count == 0) return codes;
            var args = new List<ScriptArgument> { "" };
            args.AddRange(urls.Select(u => (ScriptArgument)u));
            var r = shell.RunScriptChecked("diagnosis/http", "AppListFailed", "Requesting the health paths", args, TimeSpan.FromSeconds(30 + 10 * urls.Count));
            foreach (var line in r.Output.Text("http").Split('\n'))
            {
                var parts = line.Trim().Split(new[] { ' ' }, 2);
                if (parts.Length == 2 && int.TryParse(parts[0], out int code)) codes[parts[1]] = code;
            }
            return codes;
        }
    }
}
