using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using UberspaceFlask.Core.Transport;

namespace UberspaceFlask.Core
{
    public enum CheckStatus { Passed, Warning, Failed, Skipped }

    public sealed class CheckResult
    {
        public string Check { get; set; }
        public CheckStatus Status { get; set; }
        public string Message { get; set; }
        /// <summary>What to do, concretely; null when the check passed.</summary>
        public string Fix { get; set; }
        /// <summary>Supporting output: a log tail, the listener line, the backend line.</summary>
        public string Detail { get; set; }
    }

    public sealed class DiagnosisSpec
    {
        public string AppPath { get; set; }
        /// <summary>null: the service whose directory= is the app.</summary>
        public string ServiceName { get; set; }
        /// <summary>The frontend's base URL; null: https://USER.uber.space.</summary>
        public string FrontendUrl { get; set; }
    }

    /// <summary>Walks the chain from the app directory to the page served, naming the broken link and its fix.</summary>
    public static class DeploymentDiagnosis
    {
        public static List<CheckResult> Run(HostShell shell, DiagnosisSpec spec)
        {
            Validate.HostPath(spec.AppPath);
            if (spec.ServiceName != null) Validate.ServiceName(spec.ServiceName);
            if (spec.FrontendUrl != null && !Regex.IsMatch(spec.FrontendUrl, @"^https?://[A-Za-z0-9.\-\[\]:]+/?$"))
                throw new UberspaceException("InvalidFrontendUrl", FailureKind.InvalidArgument,
                    $"'{Validate.Show(spec.FrontendUrl)}' is not a base URL such as https://isabell.uber.space.", spec.FrontendUrl);
            string app = HostPaths.Resolve(shell.Home, spec.AppPath);
            string q = ShellQuote.Quote(app);
            string front = spec.FrontendUrl != null ? ShellQuote.Quote(spec.FrontendUrl.TrimEnd('/')) : "\"https://$(id -un).uber.space\"";
            // Everything in one round trip; sections are marked with @@.
            var r = shell.Run(
                "app=" + q + "; ini=\"$app/uwsgi.ini\"; " +
                "echo @@appdir; [ -d \"$app\" ] && echo yes; " +
                "echo @@ini; cat \"$ini\" 2>/dev/null; " +
                "echo @@venv; if [ -x \"$app/ENV/bin/python\" ]; then \"$app/ENV/bin/python\" -c 'import flask' 2>&1 | tail -n 1; echo \"import=$?\"; else echo missing; fi; " +
                "echo @@services; for f in \"$HOME\"/" + SupervisorRegistrar.ServicesDir + "/*.ini; do [ -f \"$f\" ] && printf '%s\\t%s\\n' \"$(basename \"$f\" .ini)\" \"$(sed -n 's/^directory *= *//p' \"$f\" | head -n 1)\"; done; " +
                "echo @@status; supervisorctl status 2>&1; " +
                "port=$(sed -n 's/^ *http-socket *= *[^:]*:\\([0-9]*\\) *$/\\1/p' \"$ini\" 2>/dev/null | head -n 1); " +
                "mount=$(sed -n 's/^ *mount *= *\\([^=]*\\)=.*$/\\1/p' \"$ini\" 2>/dev/null | head -n 1); " +
                "echo @@listen; if [ -n \"$port\" ] && command -v ss >/dev/null 2>&1; then ss -Hltnp \"sport = :$port\" 2>/dev/null; fi; " +
                "echo @@backends; uberspace web backend list 2>&1; echo \"exit=$?\"; " +
                "echo @@http; base=" + front + "${mount%/}; for u in \"$base/\" \"$base/static/style.css\"; do " +
                "printf '%s %s\\n' \"$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 \"$u\" 2>/dev/null || echo 000)\" \"$u\"; done; echo @@end",
                TimeSpan.FromSeconds(90));
            var sec = ProbeOutput.Sections(r.Stdout);
            var results = new List<CheckResult>();

            // 1. The app directory
            bool appDir = sec.Get("appdir").Trim() == "yes";
            results.Add(appDir
                ? Pass("App directory", $"{app} exists.")
                : Fail("App directory", $"{app} does not exist.", $"Create it: New-FlaskApp -Path {app} (or give the right -Name/-Path)."));

            // 2. The venv
            string venv = sec.Get("venv").Trim();
            if (venv == "missing")
                results.Add(Fail("Virtual environment", $"The venv {app}/ENV is missing (an rsync deploy that replaced the directory does this).",
                    $"Recreate it: New-FlaskApp -Path {app} (your files are kept), then Restart-SupervisorService."));
            else if (!venv.EndsWith("import=0", StringComparison.Ordinal))
                results.Add(Fail("Virtual environment", "Flask cannot be imported in the venv: " + venv.Split('\n')[0],
                    $"Install it: {app}/ENV/bin/python -m pip install flask (or New-FlaskApp -Path {app} -Force).", venv));
            else results.Add(Pass("Virtual environment", "The venv imports Flask."));

            // 3. uwsgi.ini
            string ini = sec.Get("ini");
            int? port = null; string mount = "/"; string socket = null;
            if (ini.Trim().Length == 0)
                results.Add(Fail("uwsgi.ini", $"{app}/uwsgi.ini is missing.", $"Write it: New-UwsgiConfig -Path {app} -Port <port>."));
            else
            {
                socket = Regex.Match(ini, @"^\s*http-socket\s*=\s*(\S+)\s*$", RegexOptions.Multiline).Groups[1].Value;
                var pm = Regex.Match(socket, @":(\d+)$");
                if (pm.Success) port = int.Parse(pm.Groups[1].Value);
                var mm = Regex.Match(ini, @"^\s*mount\s*=\s*([^=\s]+)=", RegexOptions.Multiline);
                if (mm.Success) mount = mm.Groups[1].Value.TrimEnd('/') == "" ? "/" : mm.Groups[1].Value.TrimEnd('/');
                if (port == null)
                    results.Add(Fail("uwsgi.ini", "uwsgi.ini has no http-socket with a port.", $"Rewrite it: New-UwsgiConfig -Path {app} -Port <port>."));
                else if (!socket.StartsWith(":", StringComparison.Ordinal) && !socket.StartsWith("0.0.0.0:", StringComparison.Ordinal) && !socket.StartsWith("[::]:", StringComparison.Ordinal))
                    results.Add(Fail("uwsgi.ini", $"http-socket = {socket} listens on one interface only; Uberspace's frontend cannot reach it.",
                        $"Listen on all interfaces: http-socket = :{port} (New-UwsgiConfig -Path {app} -Port {port})."));
                else results.Add(Pass("uwsgi.ini", $"http-socket = {socket}, mounted at {mount}."));
            }

            // 4. supervisord, 5. the service
            string status = sec.Get("status");
            var services = sec.Get("services").Split('\n').Where(l => l.Contains('\t')).Select(l => l.Split('\t'))
                .Select(p => (name: p[0], dir: p[1].Trim().Replace("%(ENV_HOME)s", shell.Home))).ToList();
            string serviceName = spec.ServiceName ?? services.FirstOrDefault(x => HostPaths.Normalize(x.dir) == app).name;
            SupervisorProgramStatus svc = null;
            if (SupervisorStatusParser.IsNotRunning(status))
            {
                results.Add(Fail("supervisord", "supervisord is not running for this account, so no service runs: " + status.Trim().Split('\n')[0],
                    "On Uberspace it is started for you: check ~/logs/supervisord.log and ask the Uberspace support to restart it.", status.Trim()));
                results.Add(Skip("Service", "supervisord is not running."));
            }
            else
            {
                results.Add(Pass("supervisord", "supervisord answers."));
                svc = serviceName == null ? null : SupervisorStatusParser.Parse(status).FirstOrDefault(x => x.Name == serviceName);
                if (serviceName == null)
                    results.Add(Fail("Service", $"No service in ~/etc/services.d runs {app}.", $"Register one: New-UwsgiConfig -Path {app} | Register-SupervisorService -Name <name>."));
                else if (svc == null || svc.State == "NOTFOUND")
                    results.Add(Fail("Service", $"The service '{serviceName}' is not known to supervisord.", "Run supervisorctl reread; supervisorctl update (Register-SupervisorService does both)."));
                else if (svc.State != "RUNNING")
                {
                    string tail = SupervisorRegistrar.LogTail(shell, serviceName);
                    results.Add(Fail("Service", $"The service '{serviceName}' is {svc.State}" + (string.IsNullOrEmpty(svc.Description) ? "." : $" ({svc.Description}).") + " Its log ends with:\n" + LastLines(tail, 8),
                        svc.State == "STOPPED" || svc.State == "EXITED"
                            ? $"Start it: Start-SupervisorService -Name {serviceName}."
                            : $"Fix what the log shows (an import error, a wrong path, the port taken), then Restart-SupervisorService -Name {serviceName}; Get-SupervisorLog -Name {serviceName} shows more.", tail));
                }
                else results.Add(Pass("Service", $"The service '{serviceName}' is RUNNING (pid {svc.Pid})."));
            }

            // 6. The listening socket
            var listeners = sec.Get("listen").Split('\n').Where(l => l.Trim().Length > 0).ToList();
            if (port == null) results.Add(Skip("Listening socket", "No port in uwsgi.ini."));
            else if (listeners.Count == 0)
                results.Add(Fail("Listening socket", $"Nothing listens on port {port}.", serviceName != null ? $"Start the service: Start-SupervisorService -Name {serviceName}." : "Start the app's service."));
            else
            {
                var addrs = listeners.Select(l => l.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries)).Where(c => c.Length >= 4)
                    .Select(c => c[3].Substring(0, c[3].LastIndexOf(':')).Trim('[', ']')).ToList();
                var pids = listeners.SelectMany(l => Regex.Matches(l, @"pid=(\d+)").Cast<Match>().Select(m => int.Parse(m.Groups[1].Value))).ToList();
                bool allInterfaces = addrs.Any(a => a == "0.0.0.0" || a == "*" || a == "::");
                if (!allInterfaces)
                    results.Add(Fail("Listening socket", $"Port {port} is bound to {string.Join(", ", addrs)} only: the app listens on the wrong interface, which Uberspace's frontend cannot reach.",
                        $"Bind all interfaces: http-socket = :{port} in uwsgi.ini (not 127.0.0.1 or localhost), then Restart-SupervisorService.", string.Join("\n", listeners)));
                else if (svc?.State == "RUNNING" && svc.Pid != null && pids.Count > 0 && !pids.Contains(svc.Pid.Value))
                    results.Add(Fail("Listening socket", $"Port {port} is held by another process (pid {string.Join(", ", pids.Distinct())}), not by the service '{serviceName}'.",
                        "Stop that process (an orphaned uWSGI or one started by hand), then Restart-SupervisorService.", string.Join("\n", listeners)));
                else results.Add(Pass("Listening socket", $"Port {port} listens on all interfaces."));
            }

            // 7. The web backend
            var backendText = sec.Get("backends");
            var entries = WebBackendList.Parse(backendText).Where(e => e.Domain == null).ToList();
            if (Regex.IsMatch(backendText, @"exit=127\s*$"))
                results.Add(Fail("Web backend", "The 'uberspace' command is missing; this does not look like an Uberspace 7 host.", "Run this on (or through a session to) an Uberspace 7 host."));
            else if (port != null)
                results.Add(CheckBackend(entries, port.Value, mount));
            else results.Add(Skip("Web backend", "No port in uwsgi.ini to compare with."));

            // 8. HTTP through the frontend
            var http = sec.Get("http").Split('\n').Where(l => l.Length > 4).Select(l => (code: l.Substring(0, 3), url: l.Substring(4).Trim())).ToList();
            if (http.Count == 2)
            {
                results.Add(http[0].code == "200"
                    ? Pass("HTTP page", $"{http[0].url} answers 200.")
                    : Fail("HTTP page", $"{http[0].url} answers {(http[0].code == "000" ? "nothing (no connection)" : http[0].code)}.", "Fix the failed checks above; they name the broken link."));
                results.Add(http[1].code == "200"
                    ? Pass("HTTP static file", $"{http[1].url} answers 200.")
                    : Fail("HTTP static file", $"{http[1].url} answers {(http[1].code == "000" ? "nothing" : http[1].code)}.", "Static files live in static/ (not style/), and url_for('static', ...) builds their links."));
            }
            return results;
        }

        static CheckResult CheckBackend(List<WebBackendEntry> entries, int port, string mount)
        {
            // The backend that serves the mount path: the longest path that is a whole-segment prefix of it.
            var route = entries.Where(e => IsPrefix(e.Path, mount)).OrderByDescending(e => e.Path.Length).FirstOrDefault();
            var ours = entries.Where(e => e.Kind == "http" && e.Port == port).ToList();
            if (ours.Count > 0 && !ours.Any(e => Compatible(e, mount)))
            {
                var e = ours[0];
                if (e.RemovePrefix)
                    return Fail("Web backend", $"The backend {e.Target} removes the prefix (--remove-prefix), but uWSGI mounts the app at {mount} (sub-path mismatch): " +
                        $"the app never sees {mount}, so the links it builds (url_for, static files) miss the prefix and point outside the app.",
                        $"Set the backend without --remove-prefix: Set-WebBackend -Path {e.Path} -Port {port}", e.Line);
                return Fail("Web backend", $"The backend {e.Target} passes requests on with their prefix, but the app is mounted at {mount} (sub-path mismatch): every request gets 404.",
                    $"Mount the app there (New-UwsgiConfig -MountPath {e.Path}) or strip the prefix (Set-WebBackend -Path {e.Path} -Port {port} -RemovePrefix)", e.Line);
            }
            if (route == null || route.Kind == "apache")
                return Fail("Web backend", $"No web backend serves {mount}: the frontend shows Apache's default page" + (route?.IsDefault == true ? " ('/ apache (default)')." : "."),
                    $"Set one: Set-WebBackend -Path {mount} -Port {port}", route?.Line);
            if (route.Port != port)
                return Fail("Web backend", $"The backend {route.Target} points at port {route.Port}, but uwsgi.ini listens on port {port} (port mismatch).",
                    $"Make them agree: Set-WebBackend -Path {route.Path} -Port {port}, or New-UwsgiConfig -Port {route.Port}", route.Line);
            if (!Compatible(route, mount))
                return Fail("Web backend", $"The backend {route.Target} does not fit the app's mount path {mount} (sub-path mismatch).",
                    $"Set-WebBackend -Path {mount} -Port {port}", route.Line);
            if (route.StatusKind == BackendStatusKind.WrongInterface)
                return Fail("Web backend", $"The backend {route.Target} reports: {route.Status}.", $"Bind all interfaces: http-socket = :{port}", route.Line);
            if (route.StatusKind == BackendStatusKind.NoService)
                return Fail("Web backend", $"The backend {route.Target} reports: NOT OK, no service.", "Start the app's service; see the Service check.", route.Line);
            return Pass("Web backend", $"{route.Target} -> port {port}" + (route.Status != null ? $": {route.Status}" : "."));
        }

        /// <summary>
        /// Whether requests through this backend reach an app mounted at mount: an app at / needs the prefix gone
        /// (or no prefix); an app mounted at /sub needs the prefix kept, behind /sub or a shorter path.
        /// </summary>
        static bool Compatible(WebBackendEntry e, string mount) =>
            mount == "/" ? (e.Path == "/" || e.RemovePrefix) : (!e.RemovePrefix && IsPrefix(e.Path, mount));

        static bool IsPrefix(string prefix, string path) =>
            prefix == "/" || path == prefix || path.StartsWith(prefix + "/", StringComparison.Ordinal);

        static string LastLines(string text, int n) { var lines = text.Split(new[] { (char)10 }); return string.Join("\n", lines.Skip(Math.Max(0, lines.Length - n))); }

        static CheckResult Pass(string check, string message) => new CheckResult { Check = check, Status = CheckStatus.Passed, Message = message };
        static CheckResult Skip(string check, string message) => new CheckResult { Check = check, Status = CheckStatus.Skipped, Message = message };
        static CheckResult Fail(string check, string message, string fix, string detail = null) =>
            new CheckResult { Check = check, Status = CheckStatus.Failed, Message = message, Fix = fix, Detail = detail };
    }
}
