using System;
using System.Collections.Generic;
using System.Linq;
using UberspaceFlask.Core.Transport;

namespace UberspaceFlask.Core
{
    public enum LogStream { Stdout, Stderr }

    /// <summary>A supervisord program with what its ini says.</summary>
    public sealed class ServiceInfo
    {
        public SupervisorProgramStatus Status { get; set; }
        public string ConfigPath { get; set; }
        /// <summary>The ini's directory=, with %(ENV_HOME)s expanded.</summary>
        public string AppPath { get; set; }
    }

    /// <summary>Lifecycle of supervisord programs: status, start, stop, restart, unregister, logs.</summary>
    public static class ServiceManager
    {
        static readonly TimeSpan StopWait = TimeSpan.FromSeconds(30);

        /// <summary>All programs, in one round trip: `supervisorctl status` and the directory= of every services.d ini.</summary>
        public static List<ServiceInfo> List(HostShell shell)
        {
            var r = shell.Run("for f in \"$HOME\"/" + SupervisorRegistrar.ServicesDir + "/*.ini; do [ -f \"$f\" ] && printf 'ini=%s\\t%s\\n' \"$f\" \"$(sed -n 's/^directory *= *//p' \"$f\" | head -n 1)\"; done; " +
                              ProbeOutput.Marker("status") + "supervisorctl status 2>&1");
            var sections = ProbeOutput.Sections(r.Stdout);
            string head = sections.Get("");
            string status = sections.Get("status");
            ThrowIfNotRunning(shell, status);
            var dirs = new Dictionary<string, (string ini, string dir)>(StringComparer.Ordinal);
            foreach (var line in head.Split('\n'))
            {
                if (!line.StartsWith("ini=", StringComparison.Ordinal)) continue;
                var parts = line.Substring(4).Split('\t');
                string name = HostPaths.FileName(parts[0]);
                name = name.EndsWith(".ini", StringComparison.Ordinal) ? name.Substring(0, name.Length - 4) : name;
                string dir = parts.Length > 1 ? parts[1].Trim().Replace("%(ENV_HOME)s", shell.Home) : null;
                dirs[name] = (parts[0], string.IsNullOrEmpty(dir) ? null : dir);
            }
            return SupervisorStatusParser.Parse(status).Where(s => s.State != "NOTFOUND").Select(s => new ServiceInfo
            {
                Status = s,
                ConfigPath = dirs.TryGetValue(s.Name, out var d) ? d.ini : null,
                AppPath = dirs.TryGetValue(s.Name, out var d2) ? d2.dir : null,
            }).ToList();
        }

        public static void ThrowIfNotRunning(HostShell shell, string output)
        {
            if (SupervisorStatusParser.IsNotRunning(output))
                throw new UberspaceException("SupervisorNotRunning", FailureKind.ResourceUnavailable,
                    $"supervisord is not running for this account on {shell.Transport.Description}: {output.Trim()} See ~/logs/supervisord.log.", null) { Detail = output };
        }

        static SupervisorProgramStatus Status(HostShell shell, string name)
        {
            var r = shell.Run("supervisorctl status " + ShellQuote.Quote(name) + " 2>&1");
            ThrowIfNotRunning(shell, r.Stdout);
            var s = SupervisorStatusParser.Parse(r.Stdout).FirstOrDefault(x => x.Name == name);
            if (s == null || s.State == "NOTFOUND")
                throw new UberspaceException("ServiceNotFound", FailureKind.ObjectNotFound,
                    $"There is no supervisord service '{name}' on {shell.Transport.Description}. Get-SupervisorService lists them.", name);
            return s;
        }

        public static SupervisorProgramStatus Start(HostShell shell, string name, TimeSpan timeout)
        {
            Validate.ServiceName(name);
            var before = Status(shell, name);
            if (before.State == "RUNNING") return before;
            shell.Run("supervisorctl start " + ShellQuote.Quote(name));
            return SupervisorRegistrar.WaitForRunning(shell, name, timeout, "Start-SupervisorService");
        }

        public static SupervisorProgramStatus Restart(HostShell shell, string name, TimeSpan timeout)
        {
            Validate.ServiceName(name);
            Status(shell, name);
            shell.Run("supervisorctl restart " + ShellQuote.Quote(name));
            return SupervisorRegistrar.WaitForRunning(shell, name, timeout, "Restart-SupervisorService");
        }

        public static SupervisorProgramStatus Stop(HostShell shell, string name)
        {
            Validate.ServiceName(name);
            var before = Status(shell, name);
            if (before.State == "STOPPED" || before.State == "EXITED" || before.State == "FATAL") return before;
            var r = shell.Run("supervisorctl stop " + ShellQuote.Quote(name) + " 2>&1", StopWait);
            var after = Status(shell, name);
            if (after.State != "STOPPED")
                throw new UberspaceException("ServiceStopFailed", FailureKind.InvalidOperation,
                    $"The service '{name}' did not stop (now {after.State}): {r.Stdout.Trim()}", name) { Detail = r.Stdout };
            return after;
        }

        /// <summary>Stops the program, removes it from supervisord and deletes its ini.</summary>
        public static void Unregister(HostShell shell, string name)
        {
            Validate.ServiceName(name);
            string ini = SupervisorRegistrar.IniPathFor(shell.Home, name);
            string q = ShellQuote.Quote(name);
            var r = shell.Run("supervisorctl status " + q + " 2>&1; echo \"status_exit=$?\"; [ -f " + ShellQuote.Quote(ini) + " ] && echo ini=yes");
            ThrowIfNotRunning(shell, r.Stdout);
            bool known = SupervisorStatusParser.Parse(r.Stdout).Any(s => s.Name == name && s.State != "NOTFOUND");
            bool hasIni = r.Stdout.Contains("ini=yes");
            if (!known && !hasIni)
                throw new UberspaceException("ServiceNotFound", FailureKind.ObjectNotFound,
                    $"There is no supervisord service '{name}' on {shell.Transport.Description}.", name);
            shell.RunChecked((known ? "supervisorctl stop " + q + " >/dev/null 2>&1; supervisorctl remove " + q + " && " : "") +
                             "rm -f -- " + ShellQuote.Quote(ini) + " && supervisorctl reread >/dev/null", "ServiceRemoveFailed", "Removing the service " + name, StopWait);
        }

        public static string Log(HostShell shell, string name, LogStream stream, int bytes)
        {
            Validate.ServiceName(name);
            if (bytes < 1 || bytes > 1024 * 1024)
                throw new UberspaceException("InvalidByteCount", FailureKind.InvalidArgument, $"-Bytes {bytes} is outside 1-1048576.", bytes);
            Status(shell, name);
            var r = shell.RunChecked("supervisorctl tail -" + bytes + " " + ShellQuote.Quote(name) + (stream == LogStream.Stderr ? " stderr" : ""),
                "SupervisorLogFailed", "supervisorctl tail");
            return r.Stdout;
        }
    }

    /// <summary>Deletes an app directory, with guard rails: inside the home, a Flask app, not used by a service.</summary>
    public static class FlaskAppRemover
    {
        public static string Plan(HostShell shell, string path, bool force)
        {
            Validate.HostPath(path);
            string app = HostPaths.Resolve(shell.Home, path);
            if (HostPaths.RelativeToHome(shell.Home, app) == null)
                throw new UberspaceException("InvalidPath", FailureKind.InvalidArgument,
                    $"'{app}' is not inside the home directory; Remove-FlaskApp only deletes apps in {shell.Home}.", app);
            var r = shell.Run("[ -d " + ShellQuote.Quote(app) + " ] && echo dir=yes; " +
                              "[ -f " + ShellQuote.Quote(app + "/uwsgi.ini") + " ] || [ -d " + ShellQuote.Quote(app + "/" + FlaskAppDeployer.VenvName) + " ] || ls " + ShellQuote.Quote(app) + "/*.py >/dev/null 2>&1 && echo app=yes; " +
                              "grep -l -x -e " + ShellQuote.Quote("directory=" + HostPaths.ForSupervisor(shell.Home, app)) + " -e " + ShellQuote.Quote("directory=" + app) +
                              " \"$HOME\"/" + SupervisorRegistrar.ServicesDir + "/*.ini 2>/dev/null | sed 's/^/service=/'");
            var kv = r.Stdout.Split('\n');
            if (!kv.Contains("dir=yes"))
                throw new UberspaceException("AppNotFound", FailureKind.ObjectNotFound, $"There is no directory '{app}' on {shell.Transport.Description}.", app);
            if (!kv.Contains("app=yes"))
                throw new UberspaceException("NotAFlaskApp", FailureKind.InvalidArgument,
                    $"'{app}' has no uwsgi.ini, no venv and no Python file; it does not look like an app this module made, so it is left alone.", app);
            var services = kv.Where(l => l.StartsWith("service=", StringComparison.Ordinal)).Select(l => HostPaths.FileName(l.Substring(8)).Replace(".ini", "")).ToList();
            if (services.Count > 0 && !force)
                throw new UberspaceException("AppInUse", FailureKind.ResourceExists,
                    $"The service(s) {string.Join(", ", services)} still run '{app}'. Remove them first (Unregister-SupervisorService), or use -Force.", app);
            return app;
        }

        public static void Apply(HostShell shell, string app) =>
            shell.RunChecked("rm -rf -- " + ShellQuote.Quote(app), "AppRemoveFailed", "Removing " + app, TimeSpan.FromMinutes(5));
    }
}
