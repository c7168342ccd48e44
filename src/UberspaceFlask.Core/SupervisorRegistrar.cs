using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using UberspaceFlask.Core.Transport;

namespace UberspaceFlask.Core
{
    public sealed class SupervisorSpec
    {
        public string Name { get; set; } = "flask";
        /// <summary>Directory holding uwsgi.ini.</summary>
        public string AppPath { get; set; }
        /// <summary>null: the venv's uwsgi, else uwsgi on PATH.</summary>
        public string UwsgiPath { get; set; }
        public int StartSeconds { get; set; } = 15;
        /// <summary>How long to wait for RUNNING beyond startsecs.</summary>
        public TimeSpan ExtraWait { get; set; } = TimeSpan.FromSeconds(45);
        public string TemplateDirectory { get; set; }
        /// <summary>Replace an ini of the same name that runs another program.</summary>
        public bool Force { get; set; }
    }

    public sealed class SupervisorPlan
    {
        public SupervisorSpec Spec { get; set; }
        public string IniPath { get; set; }
        public string AppPath { get; set; }
        public string Content { get; set; }
        public string Existing { get; set; }
        public ChangeKind Kind { get; set; }
        public SupervisorProgramStatus Before { get; set; }
        /// <summary>From the app's uwsgi.ini, so the service object can tell Set-WebBackend where to route.</summary>
        public int? Port { get; set; }
        public string MountPath { get; set; } = "/";
        /// <summary>App files (code, templates, uwsgi.ini) newer than the running process: it must restart to serve them.</summary>
        public List<string> StaleFiles { get; } = new List<string>();
        /// <summary>`uberspace web backend list` as read by the probe.</summary>
        public string BackendList { get; set; }
    }

    /// <summary>What Apply did, for the cmdlet's output.</summary>
    public sealed class SupervisorOutcome
    {
        public SupervisorProgramStatus Status { get; set; }
        public bool Changed { get; set; }
        public bool Restarted { get; set; }
        public string Reason { get; set; }
    }

    /// <summary>~/etc/services.d/NAME.ini, reread + update, and the wait for RUNNING.</summary>
    public static class SupervisorRegistrar
    {
        public const string ServicesDir = "etc/services.d";

        public static void ValidateSpec(SupervisorSpec spec)
        {
            Validate.ServiceName(spec.Name);
            if (spec.AppPath == null)
                throw new UberspaceException("AppPathRequired", FailureKind.InvalidArgument,
                    "Give the app directory with -AppPath, or pipe the output of New-UwsgiConfig.", null);
            Validate.HostPath(spec.AppPath);
            if (spec.UwsgiPath != null) Validate.HostPath(spec.UwsgiPath, "InvalidUwsgiPath");
            if (spec.StartSeconds < 0 || spec.StartSeconds > 600)
                throw new UberspaceException("InvalidStartSeconds", FailureKind.InvalidArgument,
                    $"-StartSeconds {spec.StartSeconds} is outside 0-600.", spec.StartSeconds);
            TemplateRenderer.ValidateOverrideDirectory(spec.TemplateDirectory);
        }

        public static string IniPathFor(string home, string name) => HostPaths.Combine(home, ServicesDir + "/" + name + ".ini");

        public static SupervisorPlan Plan(HostShell shell, SupervisorSpec spec)
        {
            ValidateSpec(spec);
            var plan = new SupervisorPlan { Spec = spec };
            plan.AppPath = HostPaths.Resolve(shell.Home, spec.AppPath);
            plan.IniPath = IniPathFor(shell.Home, spec.Name);
            string uwsgiIni = HostPaths.Combine(plan.AppPath, UwsgiConfigurator.IniName);
            string venvUwsgi = HostPaths.Combine(plan.AppPath, FlaskAppDeployer.VenvName + "/bin/uwsgi");

            // One probe: the uwsgi.ini exists, which uwsgi to run, and whether supervisord answers.
            var probe = shell.RunProbe(
                "[ -f " + ShellQuote.Quote(uwsgiIni) + " ] && echo ini=yes && sed -n -e 's/^ *http-socket *= *[^:]*:\\([0-9]*\\) *$/port=\\1/p' -e 's/^ *mount *= *\\([^=]*\\)=.*$/mount=\\1/p' " + ShellQuote.Quote(uwsgiIni) + "; " +
                // Who listens on the app's port already (ss shows pids for the account's own processes).
                "port=$(sed -n 's/^ *http-socket *= *[^:]*:\\([0-9]*\\) *$/\\1/p' " + ShellQuote.Quote(uwsgiIni) + " 2>/dev/null | head -n 1); " +
                "if [ -n \"$port\" ] && command -v ss >/dev/null 2>&1; then ss -Hltnp \"sport = :$port\" 2>/dev/null | sed 's/^/listen=/'; fi; " +
                "[ -x " + ShellQuote.Quote(venvUwsgi) + " ] && echo venvuwsgi=yes; " +
                "printf 'system='; command -v uwsgi; " +
                // The running process' age against the app's files: a newer file means the service serves old code.
                "pid=$(supervisorctl status " + ShellQuote.Quote(spec.Name) + " 2>/dev/null | sed -n 's/.* RUNNING *pid \\([0-9]*\\),.*/\\1/p'); " +
                // uWSGI's master writes its pidfile when it starts (and on every reload): files newer than it are not served yet.
                // Without a pidfile, the process' age in whole seconds is the fallback.
                "pidf=$(sed -n 's/^ *pidfile *= *//p' " + ShellQuote.Quote(uwsgiIni) + " 2>/dev/null | head -n 1); " +
                "case \"$pidf\" in ''|/*) ;; *) pidf=" + ShellQuote.Quote(plan.AppPath + "/") + "\"$pidf\";; esac; " +
                "if [ -n \"$pid\" ]; then " +
                "if [ -n \"$pidf\" ] && [ -f \"$pidf\" ] && [ \"$(cat \"$pidf\" 2>/dev/null)\" = \"$pid\" ]; then newer=\"-newer $pidf\"; " +
                "else newer=\"-newermt @$(( $(date +%s) - $(ps -o etimes= -p \"$pid\" | tr -d ' ') ))\"; fi; " +
                "find " + ShellQuote.Quote(plan.AppPath) + " -maxdepth 2 -not -path '*/ENV/*' \\( -name '*.py' -o -name uwsgi.ini -o -path '*/templates/*' \\) -type f $newer " +
                "| sed 's/^/stale=/' | head -n 20; fi; " +
                ProbeOutput.Marker("status") + "supervisorctl status " + ShellQuote.Quote(spec.Name) + " 2>&1; echo \"status_exit=$?\"; " +
                // Read now, handed to Set-WebBackend if this step changes nothing (one round trip fewer on a re-run).
                ProbeOutput.Marker("backends") + "uberspace web backend list 2>/dev/null; echo \"backends_exit=$?\"", new[] { plan.IniPath });
            var sections = ProbeOutput.Sections(probe.Stdout);
            string head = sections.Get("");
            var kv = ProbeOutput.KeyValues(head);
            var (statusText, statusExit) = ProbeOutput.WithExit(sections.Get("status"), "status_exit");
            var (backends, backendsExit) = ProbeOutput.WithExit(sections.Get("backends"), "backends_exit");
            if (backendsExit == 0) plan.BackendList = backends;
            var listeners = new List<string>();
            foreach (var line in head.Split('\n'))
            {
                if (line.StartsWith("stale=", StringComparison.Ordinal)) plan.StaleFiles.Add(line.Substring(6).Trim());
                if (line.StartsWith("listen=", StringComparison.Ordinal)) listeners.Add(line.Substring(7).Trim());
            }

            if (statusExit == 127 || statusText.Contains("supervisorctl: not found") || statusText.Contains("command not found"))
                throw new UberspaceException("SupervisorNotInstalled", FailureKind.NotInstalled,
                    $"supervisorctl was not found on {shell.Transport.Description}. Services on Uberspace 7 run under supervisord.", spec.Name);
            if (SupervisorStatusParser.IsNotRunning(statusText))
                throw new UberspaceException("SupervisorNotRunning", FailureKind.ResourceUnavailable,
                    $"supervisord is not running for this account on {shell.Transport.Description}: {statusText.Trim()} " +
                    "On Uberspace it is started for you; check ~/logs/supervisord.log, or ask the Uberspace support to restart it.", spec.Name)
                { Detail = statusText };
            if (!kv.ContainsKey("ini"))
                throw new UberspaceException("UwsgiConfigNotFound", FailureKind.ObjectNotFound,
                    $"There is no uwsgi.ini in '{plan.AppPath}'. Write it first with New-UwsgiConfig.", uwsgiIni);

            if (kv.TryGetValue("port", out var port) && int.TryParse(port, out int p)) plan.Port = p;
            if (kv.TryGetValue("mount", out var mount) && mount.StartsWith("/", StringComparison.Ordinal)) plan.MountPath = mount;
            plan.Before = SupervisorStatusParser.Parse(statusText).FirstOrDefault(s => s.Name == spec.Name);

            // The port must be free, or held by this very service (its uWSGI master and workers share the socket).
            if (listeners.Count > 0)
            {
                int? ours = plan.Before?.State == "RUNNING" ? plan.Before.Pid : null;
                var holders = listeners.SelectMany(l => Regex.Matches(l, @"pid=(\d+)").Cast<Match>().Select(m => int.Parse(m.Groups[1].Value))).ToList();
                bool onlyOurs = ours != null && holders.Count > 0 && holders.Contains(ours.Value);
                if (!onlyOurs)
                    throw new UberspaceException("PortInUse", FailureKind.ResourceExists,
                        $"Port {plan.Port} is already in use on {shell.Transport.Description}, not by the service '{spec.Name}': {string.Join("; ", listeners)}. " +
                        "Stop that process (a uWSGI started by hand, or another service), or choose another -Port in New-UwsgiConfig.", plan.Port)
                    { Detail = string.Join("\n", listeners) };
            }

            string uwsgi;
            if (spec.UwsgiPath != null) uwsgi = HostPaths.Resolve(shell.Home, spec.UwsgiPath);
            else if (kv.ContainsKey("venvuwsgi")) uwsgi = venvUwsgi;
            else if (kv.TryGetValue("system", out var sys) && sys.StartsWith("/", StringComparison.Ordinal)) uwsgi = sys;
            else throw new UberspaceException("UwsgiNotFound", FailureKind.NotInstalled,
                $"No uWSGI was found on {shell.Transport.Description}: not in the venv and not on PATH. Give -UwsgiPath.", plan.AppPath);

            var model = new Dictionary<string, object>
            {
                ["name"] = spec.Name,
                ["directory"] = HostPaths.ForSupervisor(shell.Home, plan.AppPath),
                ["command"] = HostPaths.ForSupervisor(shell.Home, uwsgi) + " " + UwsgiConfigurator.IniName,
                ["start_seconds"] = spec.StartSeconds,
            };
            plan.Content = TemplateRenderer.Render("supervisor.ini", model, spec.TemplateDirectory);

            string existing = probe.Files[plan.IniPath];
            plan.Existing = existing;
            plan.Kind = existing == null ? ChangeKind.Create : existing == plan.Content ? ChangeKind.Unchanged : ChangeKind.Update;
            if (plan.Kind == ChangeKind.Update && !spec.Force)
            {
                // Same name, another program: don't silently take over someone else's service.
                string otherDir = Regex.Match(existing, @"^\s*directory\s*=\s*(.+?)\s*$", RegexOptions.Multiline).Groups[1].Value;
                if (otherDir != (string)model["directory"])
                    throw new UberspaceException("ServiceNameInUse", FailureKind.ResourceExists,
                        $"The service '{spec.Name}' already exists ({plan.IniPath}) and runs another program (directory={otherDir}). " +
                        "Choose another -Name, or use -Force to replace it.", spec.Name);
            }
            return plan;
        }

        /// <summary>What Apply will do, one line per change, for -WhatIf and -Confirm.</summary>
        public static List<string> Describe(SupervisorPlan plan)
        {
            var lines = new List<string>();
            if (plan.Kind != ChangeKind.Unchanged)
                lines.Add((plan.Kind == ChangeKind.Create ? "create " : "overwrite ") + plan.IniPath + " (" + LineDiff.Summary(plan.Existing, plan.Content) +
                          "), then supervisorctl reread and update " + plan.Spec.Name);
            else if (plan.Before == null || plan.Before.State == "NOTFOUND")
                lines.Add("supervisorctl reread and update " + plan.Spec.Name);
            else if (plan.Before.State != "RUNNING")
                lines.Add($"supervisorctl start {plan.Spec.Name} (now {plan.Before.State})");
            else if (plan.StaleFiles.Count > 0)
                lines.Add($"supervisorctl restart {plan.Spec.Name} (changed since it started: {string.Join(", ", plan.StaleFiles.Select(HostPaths.FileName))})");
            return lines;
        }

        /// <summary>
        /// Writes the ini, makes supervisord pick it up, restarts a program whose files changed since it started,
        /// and waits until the program is RUNNING. Leaves an up-to-date running program alone.
        /// </summary>
        public static SupervisorOutcome Apply(HostShell shell, SupervisorPlan plan)
        {
            const string activity = "Register-SupervisorService";
            var spec = plan.Spec;
            string q = ShellQuote.Quote(spec.Name);
            bool wasRunning = plan.Before?.State == "RUNNING";
            var outcome = new SupervisorOutcome { Changed = true };
            if (plan.Kind != ChangeKind.Unchanged)
            {
                shell.RunChecked("mkdir -p -- " + ShellQuote.Quote(HostPaths.Parent(plan.IniPath)), "CreateDirectoryFailed", "Creating " + ServicesDir);
                shell.WriteText(plan.IniPath, plan.Content);
                shell.Log.Progress(activity, "supervisorctl reread; supervisorctl update " + spec.Name, 10);
                // update restarts a changed program and adds a new one.
                shell.RunChecked("supervisorctl reread && supervisorctl update " + q, "SupervisorUpdateFailed", "supervisorctl update");
                outcome.Restarted = wasRunning;
                outcome.Reason = plan.Kind == ChangeKind.Create ? "service added" : "service config changed";
            }
            else if (plan.Before == null || plan.Before.State == "NOTFOUND")
            {
                shell.RunChecked("supervisorctl reread && supervisorctl update " + q, "SupervisorUpdateFailed", "supervisorctl update");
                outcome.Reason = "service added";
            }
            else if (!wasRunning)
            {
                shell.Run("supervisorctl start " + q); // the wait below tells whether it worked
                outcome.Reason = "service was " + plan.Before.State;
            }
            else if (plan.StaleFiles.Count > 0)
            {
                shell.Log.Progress(activity, "supervisorctl restart " + spec.Name, 10);
                shell.RunChecked("supervisorctl restart " + q, "SupervisorRestartFailed", "supervisorctl restart");
                outcome.Restarted = true;
                outcome.Reason = "changed since it started: " + string.Join(", ", plan.StaleFiles.Select(HostPaths.FileName));
            }
            else
            {
                shell.Log.ProgressDone(activity);
                // Nothing changed, so the backends read a moment ago are still what Set-WebBackend would read.
                if (plan.BackendList != null) shell.Transport.Cache.Put(WebBackendManager.ListCacheKey, plan.BackendList);
                return new SupervisorOutcome { Status = plan.Before, Changed = false };
            }
            outcome.Status = WaitForRunning(shell, spec.Name, TimeSpan.FromSeconds(spec.StartSeconds) + spec.ExtraWait, activity);
            return outcome;
        }

        /// <summary>Polls until RUNNING; FATAL, EXITED or the timeout end in an error carrying the program's stderr tail.</summary>
        public static SupervisorProgramStatus WaitForRunning(HostShell shell, string name, TimeSpan timeout, string activity)
        {
            var sw = Stopwatch.StartNew();
            string q = ShellQuote.Quote(name);
            SupervisorProgramStatus last = null;
            while (true)
            {
                var r = shell.Run("supervisorctl status " + q);
                last = SupervisorStatusParser.Parse(r.Stdout + "\n" + r.Stderr).FirstOrDefault(s => s.Name == name);
                string state = last?.State ?? "UNKNOWN";
                int pct = (int)Math.Min(99, 100 * sw.Elapsed.TotalSeconds / Math.Max(1, timeout.TotalSeconds));
                shell.Log.Progress(activity, $"Waiting for '{name}' to be RUNNING (now {state}, {sw.Elapsed.TotalSeconds:0} s)", pct);
                if (state == "RUNNING") break;
                if (state == "FATAL" || state == "EXITED" || state == "NOTFOUND" || sw.Elapsed > timeout)
                {
                    shell.Log.ProgressDone(activity);
                    string tail = LogTail(shell, name);
                    string why = sw.Elapsed > timeout && state != "FATAL" && state != "EXITED"
                        ? $"did not reach RUNNING within {timeout.TotalSeconds:0} s (state {state})"
                        : $"is {state}" + (string.IsNullOrEmpty(last?.Description) ? "" : $" ({last.Description})");
                    throw new UberspaceException(sw.Elapsed > timeout && state != "FATAL" ? "ServiceStartTimeout" : "ServiceFailed",
                        FailureKind.InvalidOperation,
                        $"The service '{name}' {why}. Its log ends with:\n{tail}\n" +
                        $"Fix the cause (an import error in the app, a wrong path, a port already taken), then run this again; see Get-SupervisorLog or 'supervisorctl tail {name} stderr'.", name)
                    { Detail = tail };
                }
                Thread.Sleep(state == "STARTING" ? 500 : 300);
            }
            shell.Log.ProgressDone(activity);
            return last;
        }

        public static string LogTail(HostShell shell, string name, int bytes = 3000)
        {
            var r = shell.Run("supervisorctl tail -" + bytes + " " + ShellQuote.Quote(name) + " stderr");
            string text = (r.Stdout + r.Stderr).Trim();
            return text.Length == 0 ? "(the program's stderr log is empty)" : text;
        }
    }
}
