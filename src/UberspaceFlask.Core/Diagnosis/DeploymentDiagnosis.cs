using System;
using System.Collections.Generic;
using System.Linq;
using UberspaceFlask.Core.Apps;
using UberspaceFlask.Core.Host;
using UberspaceFlask.Core.Supervisor;
using UberspaceFlask.Core.Uwsgi;
using UberspaceFlask.Core.Web;

namespace UberspaceFlask.Core.Diagnosis
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
        DiagnosisSpec() { }
        public string AppPath { get; private set; }
        /// <summary>null: the service whose directory= is the app.</summary>
        public string ServiceName { get; private set; }
        /// <summary>The frontend's base URL without a trailing slash; null: https://USER.uber.space.</summary>
        public string FrontendUrl { get; private set; }

        /// <summary>The session's frontend URL (null without one): the default when no -FrontendUrl is given.</summary>
        public string SessionFrontendUrl { get; private set; }

        public static DiagnosisSpec Create(string appPath, string serviceName, string frontendUrl, string sessionFrontendUrl = null) => new DiagnosisSpec
        {
            AppPath = InputValidation.HostPath(appPath),
            ServiceName = serviceName == null ? null : InputValidation.ServiceName(serviceName),
            FrontendUrl = InputValidation.FrontendUrl(frontendUrl),
            SessionFrontendUrl = string.IsNullOrEmpty(sessionFrontendUrl) ? null : sessionFrontendUrl,
        };
    }

    /// <summary>Everything the checks look at: one probe, then the HTTP round trip that needs the probe's mount path.</summary>
    public sealed class DiagnosisFacts
    {
        public string Home { get; set; }
        public string User { get; set; }
        public string AppPath { get; set; }
        public bool AppDirectoryExists { get; set; }
        public HostFile UwsgiIni { get; set; } = HostFile.Missing;
        public bool VenvHasPython { get; set; }
        /// <summary>The exit status of `python -c 'import flask'` in the venv; null when the venv has no python.</summary>
        public int? ImportExit { get; set; }
        public string ImportOutput { get; set; } = "";
        public List<ServiceDefinition> Services { get; set; } = new List<ServiceDefinition>();
        public string StatusText { get; set; } = "";
        /// <summary>supervisorctl's exit status (127: there is none; -1: not asked).</summary>
        public int StatusExit { get; set; }
        /// <summary>uWSGI's master reporting for itself when supervisorctl was not asked (see <see cref="MasterReport"/>).</summary>
        public MasterReport Master { get; set; }
        public bool StatusAsked { get; set; } = true;
        public List<Listener> Listeners { get; set; } = new List<Listener>();
        public string BackendsText { get; set; } = "";
        public int BackendsExit { get; set; }
        /// <summary>(HTTP status, URL) for the page and the stylesheet; "000" when nothing answered.</summary>
        public List<(string Code, string Url)> Http { get; set; } = new List<(string, string)>();
        public string LogTail { get; set; }
    }

    /// <summary>Walks the chain from the app directory to the page served, naming the broken link and its fix.</summary>
    public static class DeploymentDiagnosis
    {
        /// <param name="backendList">`uberspace web backend list` as the step before read it (null: the probe reads it).</param>
        public static DiagnosisFacts Probe(HostShell shell, DiagnosisSpec spec, string backendList = null)
        {
            // The page's URLs depend on the mount path in uwsgi.ini, read by the probe itself. The probe fetches the
            // likely ones side by side (the app mounted at /); when they are the right ones, that is the check.
            return Complete(shell, spec, backendList, Probe(shell, spec, false, GuessUrls(spec, shell.Transport.KnownHome), backendList));
        }

        /// <summary>diagnose_guide's parameters (lib.sh) for the first probe, which Test-FlaskDeployment -Name sends
        /// along with the published app's probe, so an app that is not published costs no round trip more.</summary>
        public static List<ScriptArgument> FirstProbeArguments(HostShell shell, DiagnosisSpec spec, string backendList) =>
            Arguments(spec, false, GuessUrls(spec, shell.Transport.KnownHome), backendList);

        /// <summary>The rest after the first probe's facts: supervisorctl asked when uWSGI's master did not tell enough,
        /// the page under its real mount path when the guess was wrong.</summary>
        public static DiagnosisFacts Complete(HostShell shell, DiagnosisSpec spec, string backendList, DiagnosisFacts facts)
        {
            if (!facts.StatusAsked && !new DeploymentChecks(facts, spec).MasterSuffices)
                facts = Probe(shell, spec, true, GuessUrls(spec, shell.Transport.KnownHome), backendList);
            return WithHttp(shell, spec, facts);
        }

        /// <summary>The page and its stylesheet under the frontend and the app's mount path.</summary>
        public static string[] PageUrls(string frontend, string mountPath)
        {
            string front = frontend + mountPath.TrimEnd('/');
            return new[] { front + "/", front + "/static/style.css" };
        }

        static string FrontendOf(DiagnosisSpec spec, string user) => Frontend.BaseFor(spec.FrontendUrl, spec.SessionFrontendUrl, null, user);

        /// <summary>The URLs for an app mounted at /, or none when the account's name is not known yet.</summary>
        static string[] GuessUrls(DiagnosisSpec spec, string knownHome)
        {
            if (spec.FrontendUrl == null && spec.SessionFrontendUrl == null && knownHome == null) return new string[0];
            return PageUrls(FrontendOf(spec, knownHome == null ? null : HostPaths.FileName(knownHome)), "/");
        }

        static DiagnosisFacts Probe(HostShell shell, DiagnosisSpec spec, bool askSupervisor, string[] urls, string backendList)
        {
            var r = shell.RunScript("diagnosis/probe", Arguments(spec, askSupervisor, urls, backendList), TimeSpan.FromSeconds(90));
            return Read(r.Output, backendList);
        }

        static List<ScriptArgument> Arguments(DiagnosisSpec spec, bool askSupervisor, string[] urls, string backendList)
        {
            var args = new List<ScriptArgument> { ScriptArgument.Of(spec.AppPath), FlaskAppScaffolder.VenvName, UwsgiIni.FileName, askSupervisor ? "ask" : "",
                backendList == null ? "list" : "" };
            args.AddRange(urls.Select(u => ScriptArgument.Of(u)));
            return args;
        }

        /// <summary>The probe's output into facts (backendList: the list handed over by the step before, if any): no host,
        /// unit-testable with captured output.</summary>
        public static DiagnosisFacts Read(ScriptOutput o, string backendList)
        {
            var host = o.Facts("host");
            string home = HostPaths.Normalize(host["home"]);
            var facts = new DiagnosisFacts
            {
                Home = home,
                User = host.TryGetValue("user", out var u) ? u : HostPaths.FileName(home),
                AppPath = HostPaths.Normalize(host["app"]),
                AppDirectoryExists = host.ContainsKey("appdir"),
                UwsgiIni = o.File("uwsgi"),
                VenvHasPython = o.Has("venv-import-exit"),
                ImportExit = o.Has("venv-import-exit") ? o.Exit("venv-import-exit") : (int?)null,
                ImportOutput = LastLines(o.Text("venv-import").Trim(), 5),
                Services = ServiceIni.ReadAll(home, o),
                StatusText = o.Text("status"),
                Listeners = Web.Listeners.Parse(o.Text("listeners")),
                BackendsText = backendList ?? o.Text("backends"),
                BackendsExit = backendList != null ? 0 : o.Exit("backends-exit"),
                Http = ReadHttp(o.Text("http")),
            };
            facts.StatusExit = o.Exit("status-exit");
            facts.StatusAsked = o.Has("status-exit");
            facts.Master = MasterReport.Read(o);
            return facts;
        }

        static DiagnosisFacts WithHttp(HostShell shell, DiagnosisSpec spec, DiagnosisFacts facts)
        {
            // The page through the frontend, under the app's mount path; and the service's log when it is not running.
            var checks = new DeploymentChecks(facts, spec);
            var urls = PageUrls(FrontendOf(spec, facts.User), UwsgiIni.Read(facts.UwsgiIni.Text).MountPath);
            var svc = checks.Service;
            string logOf = svc != null && !SupervisorState.IsUp(svc.State) && svc.State != SupervisorState.NotFound ? svc.Name : "";
            if (logOf.Length == 0 && facts.Http.Select(h => h.Url).SequenceEqual(urls)) return facts;
            var args = new List<ScriptArgument> { ScriptArgument.Of(logOf) };
            args.AddRange(urls.Select(u => ScriptArgument.Of(u)));
            var http = shell.RunScript("diagnosis/http", args, TimeSpan.FromSeconds(60));
            facts.Http = ReadHttp(http.Output.Text("http"));
            facts.LogTail = logOf.Length > 0 ? http.Output.Text("log-tail").Trim() : null;
            return facts;
        }

        /// <summary>fetch_status's lines: "CODE URL".</summary>
        static List<(string Code, string Url)> ReadHttp(string text) =>
            text.Split('\n').Where(l => l.Length > 4).Select(l => (l.Substring(0, 3), l.Substring(4).Trim())).ToList();

        static string LastLines(string text, int n)
        {
            var lines = text.Split('\n');
            return string.Join("\n", lines.Skip(Math.Max(0, lines.Length - n)));
        }
    }
}
