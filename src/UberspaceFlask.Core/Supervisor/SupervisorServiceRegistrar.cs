using System;
using System.Collections.Generic;
using System.Linq;
using UberspaceFlask.Core.Apps;
using UberspaceFlask.Core.Host;
using UberspaceFlask.Core.Templates;
using UberspaceFlask.Core.Uwsgi;
using UberspaceFlask.Core.Web;

namespace UberspaceFlask.Core.Supervisor
{
    /// <summary>Register-SupervisorService's input, validated once when made; never changed afterwards.</summary>
    public sealed class SupervisorSpec
    {
        SupervisorSpec() { }
        public string Name { get; private set; }
        /// <summary>The directory holding uwsgi.ini, as the user gave it.</summary>
        public string AppPath { get; private set; }
        /// <summary>null: the venv's uwsgi, else uwsgi on PATH.</summary>
        public string UwsgiPath { get; private set; }
        public int StartSeconds { get; private set; }
        /// <summary>How long to wait for the app to answer.</summary>
        public TimeSpan Timeout { get; private set; }
        public string TemplateDirectory { get; private set; }
        /// <summary>Replace an ini of the same name that runs another program, or one edited by hand.</summary>
        public bool Force { get; private set; }

        public static SupervisorSpec Create(string name, string appPath, string uwsgiPath, int startSeconds, int timeoutSeconds, string templateDirectory, bool force)
        {
            InputValidation.ServiceName(name);
            if (appPath == null)
                throw HostErrors.AppPathRequired("Give the app directory with -AppPath, or pipe the output of New-UwsgiConfig.", null);
            return new SupervisorSpec
            {
                Name = name,
                AppPath = InputValidation.HostPath(appPath),
                UwsgiPath = uwsgiPath == null ? null : InputValidation.HostPath(uwsgiPath, "InvalidUwsgiPath"),
                StartSeconds = InputValidation.Range(startSeconds, 0, 600, "InvalidStartSeconds", "-StartSeconds"),
                Timeout = TimeSpan.FromSeconds(startSeconds + Math.Max(0, timeoutSeconds)),
                TemplateDirectory = TemplateRenderer.ValidateOverrideDirectory(templateDirectory),
                Force = force,
            };
        }
    }

    /// <summary>A uWSGI pidfile in the app directory, and the app files written after it.</summary>
    public sealed class PidFileFacts
    {
        public string Path { get; set; }
        public int? Pid { get; set; }
        public List<string> NewerFiles { get; set; } = new List<string>();
    }

    /// <summary>What Register-SupervisorService's one probe found.</summary>
    public sealed class SupervisorFacts
    {
        public string Home { get; set; }
        public string AppPath { get; set; }
        public string VenvUwsgi { get; set; }
        public string SystemUwsgi { get; set; }
        public HostFile UwsgiIni { get; set; } = HostFile.Missing;
        public HostFile ServiceIni { get; set; } = HostFile.Missing;
        public string StatusText { get; set; } = "";
        public int StatusExit { get; set; }
        /// <summary>Whether supervisorctl was asked; when not, uWSGI's master reported for itself (MasterPid, MasterUptime).</summary>
        public bool StatusAsked { get; set; } = true;
        public MasterReport Master { get; set; }
        public List<Listener> Listeners { get; set; } = new List<Listener>();
        public List<PidFileFacts> PidFiles { get; set; } = new List<PidFileFacts>();
        /// <summary>`uberspace web backend list` as read by the probe; null when it failed.</summary>
        public string BackendList { get; set; }
        public string Where { get; set; } = "the host";
    }

    public enum SupervisorAction { None, Write, Update, Start, Restart }

    public sealed class SupervisorPlan
    {
        public string Name { get; set; }
        public string AppPath { get; set; }
        public FileChange Ini { get; set; }
        public SupervisorProgramStatus Before { get; set; }
        /// <summary>The running uWSGI master: supervisord's pid, or while STARTING (no pid shown yet) the one in uWSGI's pidfile that holds the port.</summary>
        public int? ServicePid { get; set; }
        public int? Port { get; set; }
        public string MountPath { get; set; } = "/";
        public SupervisorAction Action { get; set; }
        /// <summary>Why the service is added, started or restarted; null when nothing is done.</summary>
        public string Reason { get; set; }
        public TimeSpan Timeout { get; set; }
        public string BackendList { get; set; }
        public List<Change> Changes { get; } = new List<Change>();
    }

    /// <summary>What Apply did, for the cmdlet's output.</summary>
    public sealed class SupervisorOutcome
    {
        public SupervisorProgramStatus Status { get; set; }
        public bool Changed { get; set; }
        public bool Restarted { get; set; }
        public string Reason { get; set; }
    }

    /// <summary>~/etc/services.d/NAME.ini, reread + update, and the wait until the app answers.</summary>
    public static class SupervisorServiceRegistrar
    {
        public static SupervisorFacts Probe(HostShell shell, SupervisorSpec spec)
        {
            var facts = Probe(shell, spec, askSupervisor: false);
            return MasterSuffices(facts) ? facts : Probe(shell, spec, askSupervisor: true);
        }

        /// <summary>
        /// Whether uWSGI's master, reporting for itself, tells all the plan needs: the service's ini runs this app, and
        /// the master (a child of supervisord) holds the port uwsgi.ini names. Otherwise supervisorctl is asked.
        /// </summary>
        public static bool MasterSuffices(SupervisorFacts f) =>
            f.StatusAsked || (f.Master != null && f.ServiceIni.Exists
                              && f.Master.Suffices(f.AppPath, f.UwsgiIni, ServiceIni.Read(f.Home, "service", f.ServiceIni.Text), f.Listeners));

        static SupervisorFacts Probe(HostShell shell, SupervisorSpec spec, bool askSupervisor)
        {
            var r = shell.RunScriptChecked("supervisor/probe", "ProbeFailed", "Looking at the service", new[]
            {
                ScriptArgument.Of(spec.Name), spec.AppPath, FlaskAppScaffolder.VenvName, UwsgiIni.FileName, askSupervisor ? "ask" : "",
            }, TimeSpan.FromSeconds(60));
            return Read(r.Output, shell.Where);
        }

        /// <summary>The probe's output into facts: no host, unit-testable with captured output.</summary>
        public static SupervisorFacts Read(ScriptOutput o, string where)
        {
            var f = o.Facts("host");
            var facts = new SupervisorFacts
            {
                Home = HostPaths.Normalize(f["home"]),
                AppPath = HostPaths.Normalize(f["app"]),
                VenvUwsgi = f.TryGetValue("venvuwsgi", out var v) ? v : null,
                SystemUwsgi = f.TryGetValue("system", out var s) && s.StartsWith("/", StringComparison.Ordinal) ? s : null,
                UwsgiIni = o.File("uwsgi"),
                ServiceIni = o.File("service"),
                StatusText = o.Text("status"),
                StatusExit = o.Exit("status-exit"),
                Listeners = Web.Listeners.Parse(o.Text("listeners")),
                BackendList = o.Exit("backends-exit") == 0 ? o.Text("backends") : null,
                StatusAsked = o.Has("status-exit"),
                Where = where,
            };
            facts.Master = MasterReport.Read(o);
            foreach (var section in o.Names.Where(n => n.StartsWith("pidfile:", StringComparison.Ordinal)).Distinct())
            {
                string path = section.Substring("pidfile:".Length);
                var pf = o.Facts(section);
                facts.PidFiles.Add(new PidFileFacts
                {
                    Path = path,
                    Pid = pf.TryGetValue("pid", out var n) && int.TryParse(n, out int pid) ? pid : (int?)null,
                    NewerFiles = o.Text("newer:" + path).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList(),
                });
            }
            return facts;
        }

        /// <summary>Decides what to do from the spec and the facts alone (no host): unit-tested without one.</summary>
        public static SupervisorPlan Plan(SupervisorSpec spec, SupervisorFacts facts)
        {
            switch (SupervisorStatusParser.Reach(facts.StatusText, facts.StatusExit))
            {
                case SupervisorReach.Missing: throw HostErrors.SupervisorNotInstalled(facts.Where, spec.Name);
                case SupervisorReach.NotRunning: throw HostErrors.SupervisorNotRunning(facts.Where, facts.StatusText, spec.Name);
            }
            if (!facts.UwsgiIni.Exists)
                throw new UberspaceException("UwsgiConfigNotFound", FailureKind.ObjectNotFound,
                    $"There is no uwsgi.ini in '{facts.AppPath}'. Write it first with New-UwsgiConfig.", UwsgiIni.PathIn(facts.AppPath));

            var settings = UwsgiIni.Read(facts.UwsgiIni.Text);
            var plan = new SupervisorPlan
            {
                Name = spec.Name,
                AppPath = facts.AppPath,
                Port = settings.Port,
                MountPath = settings.MountPath,
                Before = facts.StatusAsked ? SupervisorStatusParser.Find(facts.StatusText, spec.Name) : facts.Master.ToStatus(ServiceIni.Read(facts.Home, spec.Name, facts.ServiceIni.Text)),
                Timeout = spec.Timeout,
                BackendList = facts.BackendList,
            };
            string state = plan.Before?.State ?? SupervisorState.NotFound;
            var holders = plan.Port == null ? new List<Listener>() : Web.Listeners.OnPort(facts.Listeners, plan.Port.Value);
            if (SupervisorState.IsUp(state))
                plan.ServicePid = plan.Before.Pid
                    ?? facts.PidFiles.Select(p => p.Pid).FirstOrDefault(pid => pid != null && holders.Any(l => l.Pids.Contains(pid.Value)));

            // The port must be free, or held by this very service (its uWSGI master and workers share the socket).
            if (plan.Port != null)
            {
                int? ours = plan.ServicePid;
                if (holders.Count > 0 && !(ours != null && holders.Any(l => l.Pids.Contains(ours.Value))))
                    throw new UberspaceException("PortInUse", FailureKind.ResourceExists,
                        $"Port {plan.Port} is already in use on {facts.Where}, not by the service '{spec.Name}': {string.Join("; ", holders.Select(h => h.Line))}. " +
                        "Stop that process (a uWSGI started by hand, or another service), or choose another -Port in New-UwsgiConfig.", plan.Port)
                    { Detail = string.Join("\n", holders.Select(h => h.Line)) };
            }

            string uwsgi = spec.UwsgiPath != null ? HostPaths.Resolve(facts.Home, spec.UwsgiPath)
                : facts.VenvUwsgi ?? facts.SystemUwsgi
                ?? throw HostErrors.NoUwsgi(facts.Where, "Give -UwsgiPath.", facts.AppPath);
            string content = ServiceIni.Render(facts.Home, spec.Name, facts.AppPath, uwsgi, spec.StartSeconds, spec.TemplateDirectory);
            plan.Ini = new FileChange(ServiceIni.PathFor(facts.Home, spec.Name), content, facts.ServiceIni, spec.Force);
            if (plan.Ini.Kind == ChangeKind.Update && !spec.Force)
            {
                // Same name, another program: don't silently take over someone else's service.
                var existing = ServiceIni.Read(facts.Home, spec.Name, facts.ServiceIni.Text);
                if (!HostPaths.SamePath(existing.Directory, facts.AppPath))
                    throw new UberspaceException("ServiceNameInUse", FailureKind.ResourceExists,
                        $"The service '{spec.Name}' already exists ({plan.Ini.Path}) and runs another program (directory={existing.Directory}). " +
                        "Choose another -Name, or use -Force to replace it.", spec.Name);
                if (plan.Ini.HandEdited) throw UwsgiConfigWriter.EditedByHand(plan.Ini);
            }

            // uWSGI's own pidfile holds the running master's pid; files newer than it are not served yet.
            var pidFile = plan.ServicePid == null ? null : facts.PidFiles.FirstOrDefault(p => p.Pid == plan.ServicePid);
            var stale = pidFile?.NewerFiles ?? new List<string>();
            string command = "supervisorctl update " + spec.Name;
            if (plan.Ini.Kind != ChangeKind.Unchanged)
            {
                plan.Action = SupervisorAction.Write;
                plan.Reason = plan.Ini.Kind == ChangeKind.Create ? "service added" : "service config changed";
                plan.Changes.Add(plan.Ini.ToChange());
                plan.Changes.Add(Change.Run(command));
            }
            else if (state == SupervisorState.NotFound)
            {
                plan.Action = SupervisorAction.Update;
                plan.Reason = "service added";
                plan.Changes.Add(Change.Run(command));
            }
            else if (!SupervisorState.IsUp(state))
            {
                plan.Action = SupervisorAction.Start;
                plan.Reason = "service was " + state;
                plan.Changes.Add(Change.Run("supervisorctl start " + spec.Name, "now " + state));
            }
            else if (stale.Count > 0)
            {
                plan.Action = SupervisorAction.Restart;
                plan.Reason = "changed since it started: " + string.Join(", ", stale.Select(HostPaths.FileName));
                plan.Changes.Add(Change.Run("supervisorctl restart " + spec.Name, plan.Reason));
            }
            return plan;
        }

        /// <summary>Carries out the plan in one round trip: the ini, supervisord, and the wait until the app answers.</summary>
        public static SupervisorOutcome Apply(HostShell shell, SupervisorPlan plan)
        {
            const string activity = "Register-SupervisorService";
            if (plan.Action == SupervisorAction.None)
            {
                var s = plan.Before;
                var now = new SupervisorProgramStatus { Name = s.Name, State = s.State, Pid = plan.ServicePid, Uptime = s.Uptime, Description = s.Description };
                return new SupervisorOutcome { Status = now, Changed = false };
            }
            string port = plan.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "";
            shell.Log.Progress(activity, $"{plan.Changes.Last().Target}; waiting for '{plan.Name}' to answer" + (plan.Port != null ? $" on port {plan.Port}" : ""), 20);
            var r = shell.RunScript("supervisor/apply", new[]
            {
                ScriptArgument.Of(plan.Action.ToString().ToLowerInvariant()), plan.Name, port, ScriptArgument.Of((int)plan.Timeout.TotalSeconds),
                plan.Ini.Path, plan.Action == SupervisorAction.Write ? ScriptArgument.Content(plan.Ini.Content) : "", plan.Ini.BackupPath ?? "",
            }, plan.Timeout + TimeSpan.FromSeconds(60));
            shell.Log.ProgressDone(activity);
            if (r.ExitStatus == 1) throw r.Failure("FileWriteFailed", "Writing " + plan.Ini.Path, shell.Where);
            if (r.ExitStatus != 0)
                throw r.Failure(plan.Action == SupervisorAction.Restart ? "SupervisorRestartFailed" : "SupervisorUpdateFailed", "supervisorctl", shell.Where);
            if (plan.Ini.BackupPath != null && plan.Action == SupervisorAction.Write) shell.Log.Warning($"The old {plan.Ini.Path} was kept as {plan.Ini.BackupPath}.");
            var status = ReadyWait.Read(r.Output, plan.Name, plan.Timeout, plan.Port);
            bool wasUp = SupervisorState.IsUp(plan.Before?.State);
            return new SupervisorOutcome
            {
                Status = status,
                Changed = true,
                Restarted = plan.Action == SupervisorAction.Restart || (plan.Action == SupervisorAction.Write && wasUp),
                Reason = plan.Reason,
            };
        }
    }
}
