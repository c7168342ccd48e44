using System;
using System.Collections.Generic;
using System.Linq;
using UberspaceFlask.Core.Host;
using UberspaceFlask.Core.Supervisor;
using UberspaceFlask.Core.Uwsgi;
using UberspaceFlask.Core.Web;

namespace UberspaceFlask.Core.Diagnosis
{
    /// <summary>One pure method per link of the chain, each reading only the facts: unit-tested without a host.</summary>
    public sealed class DeploymentChecks
    {
        readonly DiagnosisFacts _f;
        readonly DiagnosisSpec _spec;
        readonly UwsgiSettings _ini;

        public DeploymentChecks(DiagnosisFacts facts, DiagnosisSpec spec)
        {
            _f = facts; _spec = spec;
            _ini = UwsgiIni.Read(facts.UwsgiIni.Text);
            ServiceName = spec.ServiceName ?? facts.Services.FirstOrDefault(s => HostPaths.SamePath(s.Directory, facts.AppPath))?.Name;
            var definition = facts.Services.FirstOrDefault(s => s.Name == ServiceName);
            // uWSGI's master, a child of supervisord, may report for itself instead of supervisorctl (MasterReport).
            MasterSuffices = !facts.StatusAsked && facts.Master != null && definition != null
                             && facts.Master.Suffices(facts.AppPath, facts.UwsgiIni, definition, facts.Listeners);
            Supervisor = MasterSuffices ? SupervisorReach.Answered : SupervisorStatusParser.Reach(facts.StatusText, facts.StatusExit);
            Service = ServiceName == null ? null
                : MasterSuffices ? facts.Master.ToStatus(definition)
                : SupervisorStatusParser.Find(facts.StatusText, ServiceName) ?? new SupervisorProgramStatus { Name = ServiceName, State = SupervisorState.NotFound };
        }

        /// <summary>Whether uWSGI's master told enough, so supervisorctl need not be asked.</summary>
        public bool MasterSuffices { get; }

        public string ServiceName { get; }
        /// <summary>Whether supervisorctl answered, supervisord is down, or there is no supervisorctl.</summary>
        public SupervisorReach Supervisor { get; }
        public bool SupervisorUp => Supervisor == SupervisorReach.Answered;
        /// <summary>The app's service as supervisord reports it; null when no service runs the app.</summary>
        public SupervisorProgramStatus Service { get; }

        public List<CheckResult> All()
        {
            var list = new List<CheckResult> { AppDirectory(), Venv(), UwsgiConfig(), Supervisord(), ServiceState(), Socket(), Backend() };
            list.AddRange(Http());
            return list;
        }

        public CheckResult AppDirectory() => _f.AppDirectoryExists
            ? Pass("App directory", $"{_f.AppPath} exists.")
            : Fail("App directory", $"{_f.AppPath} does not exist.", $"Create it: New-FlaskApp -Path {_f.AppPath} (or give the right -Name/-Path).");

        public CheckResult Venv()
        {
            string app = _f.AppPath;
            if (!_f.VenvHasPython)
                return Fail("Virtual environment", $"The venv {app}/ENV is missing (an rsync deploy that replaced the directory does this).",
                    $"Recreate it: New-FlaskApp -Path {app} (your files are kept), then Restart-SupervisorService.");
            if (_f.ImportExit != 0)
                return Fail("Virtual environment", $"Flask cannot be imported in the venv (exit {_f.ImportExit}): " + LastLines(_f.ImportOutput, 1),
                    $"Install it: {app}/ENV/bin/python -m pip install flask (or New-FlaskApp -Path {app} -Force).", _f.ImportOutput);
            return Pass("Virtual environment", "The venv imports Flask.");
        }

        public CheckResult UwsgiConfig()
        {
            string app = _f.AppPath;
            if (!_f.UwsgiIni.Exists || _f.UwsgiIni.Text.Trim().Length == 0)
                return Fail("uwsgi.ini", $"{app}/uwsgi.ini is missing.", $"Write it: New-UwsgiConfig -Path {app} -Port <port>.");
            if (_ini.Port == null)
                return Fail("uwsgi.ini", "uwsgi.ini has no http-socket with a port.", $"Rewrite it: New-UwsgiConfig -Path {app} -Port <port>.");
            if (!_ini.AllInterfaces)
                return Fail("uwsgi.ini", $"http-socket = {_ini.HttpSocket} listens on one interface only; Uberspace's frontend cannot reach it.",
                    $"Listen on all interfaces: http-socket = :{_ini.Port} (New-UwsgiConfig -Path {app} -Port {_ini.Port}).");
            return Pass("uwsgi.ini", $"http-socket = {_ini.HttpSocket}, mounted at {_ini.MountPath}.");
        }

        public CheckResult Supervisord()
        {
            switch (Supervisor)
            {
                case SupervisorReach.Missing:
                    return Fail("supervisord", "There is no supervisorctl on this host's PATH, so no service can be run or asked about.",
                        "Uberspace 7 has it in /usr/bin: check that PATH includes /usr/bin. On another host install supervisor and run supervisord for the account.", _f.StatusText.Trim());
                case SupervisorReach.NotRunning:
                    return Fail("supervisord", "supervisord is not running for this account, so no service runs: " + _f.StatusText.Trim().Split('\n')[0],
                        "On Uberspace it is started for you: check ~/logs/supervisord.log and ask the Uberspace support to restart it.", _f.StatusText.Trim());
                default:
                    return Pass("supervisord", "supervisord answers.");
            }
        }

        public CheckResult ServiceState()
        {
            if (!SupervisorUp) return Skip("Service", Supervisor == SupervisorReach.Missing ? "There is no supervisorctl." : "supervisord is not running.");
            if (ServiceName == null)
                return Fail("Service", $"No service in ~/etc/services.d runs {_f.AppPath}.", $"Register one: New-UwsgiConfig -Path {_f.AppPath} | Register-SupervisorService -Name <name>.");
            if (Service.State == SupervisorState.NotFound)
                return Fail("Service", $"The service '{ServiceName}' is not known to supervisord.", "Run supervisorctl reread; supervisorctl update (Register-SupervisorService does both).");
            if (Service.State == SupervisorState.Starting)
            {
                // Register and Restart return once the app answers, before supervisord's startsecs are over.
                bool answers = _ini.Port != null && Listeners.OnPort(_f.Listeners, _ini.Port.Value).Count > 0;
                return answers
                    ? Pass("Service", $"The service '{ServiceName}' is STARTING (supervisord's startsecs are not over yet) and its app listens on port {_ini.Port}.")
                    : new CheckResult { Check = "Service", Status = CheckStatus.Warning, Message = $"The service '{ServiceName}' is STARTING and nothing listens on its port yet.",
                        Fix = $"Wait a moment and run Test-FlaskDeployment again; if it goes to BACKOFF or FATAL, Get-SupervisorLog -Name {ServiceName} shows why." };
            }
            if (Service.State != SupervisorState.Running)
            {
                string tail = string.IsNullOrEmpty(_f.LogTail) ? "(the program's stderr log is empty)" : _f.LogTail;
                return Fail("Service", $"The service '{ServiceName}' is {Service.State}" + (string.IsNullOrEmpty(Service.Description) ? "." : $" ({Service.Description}).") + " Its log ends with:\n" + LastLines(tail, 8),
                    Service.State == SupervisorState.Stopped || Service.State == SupervisorState.Exited
                        ? $"Start it: Start-SupervisorService -Name {ServiceName}."
                        : $"Fix what the log shows (an import error, a wrong path, the port taken), then Restart-SupervisorService -Name {ServiceName}; Get-SupervisorLog -Name {ServiceName} shows more.", tail);
            }
            return Pass("Service", $"The service '{ServiceName}' is RUNNING (pid {Service.Pid}).");
        }

        public CheckResult Socket()
        {
            if (_ini.Port == null) return Skip("Listening socket", "No port in uwsgi.ini.");
            int port = _ini.Port.Value;
            var listeners = Listeners.OnPort(_f.Listeners, port);
            if (listeners.Count == 0)
                return Fail("Listening socket", $"Nothing listens on port {port}.", ServiceName != null ? $"Start the service: Start-SupervisorService -Name {ServiceName}." : "Start the app's service.");
            string detail = string.Join("\n", listeners.Select(l => l.Line));
            if (!listeners.Any(l => l.AllInterfaces))
                return Fail("Listening socket", $"Port {port} is bound to {string.Join(", ", listeners.Select(l => l.Address).Distinct())} only: the app listens on the wrong interface, which Uberspace's frontend cannot reach.",
                    $"Bind all interfaces: http-socket = :{port} in uwsgi.ini (not 127.0.0.1 or localhost), then Restart-SupervisorService.", detail);
            var pids = listeners.SelectMany(l => l.Pids).Distinct().ToList();
            if (Service?.State == SupervisorState.Running && Service.Pid != null && pids.Count > 0 && !pids.Contains(Service.Pid.Value))
                return Fail("Listening socket", $"Port {port} is held by another process (pid {string.Join(", ", pids)}), not by the service '{ServiceName}'.",
                    "Stop that process (an orphaned uWSGI or one started by hand), then Restart-SupervisorService.", detail);
            return Pass("Listening socket", $"Port {port} listens on all interfaces.");
        }

        public CheckResult Backend()
        {
            if (_f.BackendsExit == 127)
                return Fail("Web backend", "The 'uberspace' command is missing; this does not look like an Uberspace 7 host.", "Run this on (or through a session to) an Uberspace 7 host.");
            if (_ini.Port == null) return Skip("Web backend", "No port in uwsgi.ini to compare with.");
            var entries = WebBackendList.Parse(_f.BackendsText).Where(e => e.Domain == null).ToList();
            return CheckBackend(entries, _ini.Port.Value, _ini.MountPath);
        }

        public IEnumerable<CheckResult> Http()
        {
            if (_f.Http.Count != 2) yield break;
            var page = _f.Http[0];
            var css = _f.Http[1];
            yield return page.Code == "200"
                ? Pass("HTTP page", $"{page.Url} answers 200.")
                : Fail("HTTP page", $"{page.Url} answers {(page.Code == "000" ? "nothing (no connection)" : page.Code)}.", "Fix the failed checks above; they name the broken link.");
            yield return css.Code == "200"
                ? Pass("HTTP static file", $"{css.Url} answers 200.")
                : Fail("HTTP static file", $"{css.Url} answers {(css.Code == "000" ? "nothing" : css.Code)}.", "Static files live in static/ (not style/), and url_for('static', ...) builds their links.");
        }

        public static CheckResult CheckBackend(List<WebBackendEntry> entries, int port, string mount)
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

        static string LastLines(string text, int n) { var lines = (text ?? "").Split('\n'); return string.Join("\n", lines.Skip(Math.Max(0, lines.Length - n))); }

        static CheckResult Pass(string check, string message) => new CheckResult { Check = check, Status = CheckStatus.Passed, Message = message };
        static CheckResult Skip(string check, string message) => new CheckResult { Check = check, Status = CheckStatus.Skipped, Message = message };
        static CheckResult Fail(string check, string message, string fix, string detail = null) =>
            new CheckResult { Check = check, Status = CheckStatus.Failed, Message = message, Fix = fix, Detail = detail };
    }
}
