using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using UberspaceFlask.Core.Host;
using UberspaceFlask.Core.Releases;
using UberspaceFlask.Core.Supervisor;
using UberspaceFlask.Core.Web;

namespace UberspaceFlask.Core.Diagnosis
{
    /// <summary>What diagnosis/published.sh reports of a published app (read without a host).</summary>
    public sealed class PublishedFacts
    {
        public string Name { get; set; }
        public string Where { get; set; }
        public string Home { get; set; }
        public string Root { get; set; }
        public PublishState State { get; set; } = new PublishState();
        public HashSet<string> ReleaseFolders { get; set; } = new HashSet<string>(StringComparer.Ordinal);
        public HashSet<string> MetaFiles { get; set; } = new HashSet<string>(StringComparer.Ordinal);
        public PublishLock Lock { get; set; }
        public int? LockAgeSeconds { get; set; }
        /// <summary>The secrets file's mode as stat prints it ("600"); null when there is no file.</summary>
        public string SecretsMode { get; set; }
        public Dictionary<string, HostFile> SlotServices { get; set; } = new Dictionary<string, HostFile>();
        public Dictionary<string, int?> SlotPids { get; set; } = new Dictionary<string, int?>();
        public string StatusText { get; set; } = "";
        public List<WebBackendEntry> Backends { get; set; } = new List<WebBackendEntry>();
        public List<Listener> Listeners { get; set; } = new List<Listener>();
        public long? ReleasesKib { get; set; }
        public long? VenvsKib { get; set; }
        /// <summary>The health path's status through the frontend ("000": no answer); null when not fetched.</summary>
        public string HealthCode { get; set; }
        public FrontendRequest HealthUrl { get; set; }

        public string LiveService => State.Slot == null ? null : PublishLayout.SlotService(Name, State.Slot);
        public string IdleSlot => State.Slot == null ? null : PublishLayout.Other(State.Slot);
        public int? LivePort => State.PortOf(State.Slot);
    }

    /// <summary>
    /// Test-FlaskDeployment for a published app: one round trip for the facts, one for the page through the frontend,
    /// and one pure method per check, each naming its fix.
    /// </summary>
    public static class PublishedDiagnosis
    {
        /// <summary>
        /// The facts, or null when the app has no state file (it is not a published app). guideArguments (optional):
        /// the guide's probe to run in the same round trip in that case, whose output is then in notPublished.
        /// </summary>
        public static PublishedFacts Probe(HostShell shell, string name, string givenFrontendUrl, string sessionFrontendUrl, IEnumerable<ScriptArgument> guideArguments, out ScriptOutput notPublished)
        {
            var args = new List<ScriptArgument> { ScriptArgument.Of(PublishLayout.RootFor(name)), name };
            if (guideArguments != null) args.AddRange(guideArguments);
            var r = shell.RunScriptChecked("diagnosis/published", "DiagnosisFailed", "Reading the published app", args, TimeSpan.FromSeconds(90));
            notPublished = r.Output.Has("not-published") ? r.Output : null;
            if (notPublished != null) return null;
            var f = Read(r.Output, name, shell.Where);
            f.HealthUrl = HealthUrl(f, givenFrontendUrl, sessionFrontendUrl);
            if (f.HealthUrl != null)
            {
                var http = shell.RunScriptChecked("diagnosis/http", "DiagnosisFailed", "Requesting the health path", new ScriptArgument[] { "", f.HealthUrl.Argument }, TimeSpan.FromSeconds(30));
                f.HealthCode = http.Output.Text("http").Trim().Split(' ')[0];
            }
            return f;
        }

        public static PublishedFacts Read(ScriptOutput o, string name, string where)
        {
            var f = new PublishedFacts { Name = name, Where = where };
            var host = o.Facts("host");
            f.Home = host.TryGetValue("home", out var h) ? HostPaths.Normalize(h) : null;
            f.Root = host.TryGetValue("root", out var root) ? root : null;
            f.State = PublishState.Read(o.Text("state"));
            f.ReleaseFolders = Lines(o.Text("releases"));
            f.MetaFiles = Lines(o.Text("meta"));
            f.Lock = PublishLock.Read(o.Text("lock"));
            f.LockAgeSeconds = o.Facts("lock-age").TryGetValue("seconds", out var age) && int.TryParse(age, out int a) ? a : (int?)null;
            string mode = o.Text("secrets-mode").Trim();
            f.SecretsMode = mode.Length == 0 ? null : mode;
            foreach (var slot in new[] { "a", "b" })
            {
                f.SlotServices[slot] = o.File("slot-service:" + slot);
                f.SlotPids[slot] = int.TryParse(o.Text("pid:" + slot).Trim(), out int pid) ? pid : (int?)null;
            }
            f.StatusText = o.Text("status");
            f.Backends = WebBackendList.Parse(o.Text("backends"));
            f.Listeners = Web.Listeners.Parse(o.Text("listeners"));
            foreach (var line in o.Text("disk").Split('\n'))
            {
                var parts = line.Split('\t');
                if (parts.Length != 2 || !long.TryParse(parts[0].Trim(), out long kib)) continue;
                if (parts[1].TrimEnd('/').EndsWith("/releases", StringComparison.Ordinal)) f.ReleasesKib = kib;
                if (parts[1].TrimEnd('/').EndsWith("/venvs", StringComparison.Ordinal)) f.VenvsKib = kib;
            }
            return f;
        }

        static HashSet<string> Lines(string text) =>
            new HashSet<string>(text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0), StringComparer.Ordinal);

        /// <summary>The health path through the frontend, for the route the state records.</summary>
        public static FrontendRequest HealthUrl(PublishedFacts f, string givenFrontendUrl, string sessionFrontendUrl)
        {
            if (f.State.Current == null) return null;
            return Frontend.Request(Frontend.Base(givenFrontendUrl, sessionFrontendUrl, f.State.Domain, f.Home), f.State.Domain,
                Frontend.Under(f.State.WebPath ?? "/", f.State.HealthPath));
        }

        public static List<CheckResult> All(PublishedFacts f) => new List<CheckResult>
        {
            CurrentRelease(f), LiveSlot(f), LivePort(f), Backend(f), IdleSlot(f), Health(f), SecretsFile(f), PublishLockCheck(f), DiskUse(f),
        };

        public static CheckResult CurrentRelease(PublishedFacts f)
        {
            string id = f.State.Current;
            if (id == null)
                return Fail("Current release", $"The state file of {f.Name} names no current release.", $"Publish it: Publish-FlaskApp -Name {f.Name}.");
            if (!f.ReleaseFolders.Contains(id))
                return Fail("Current release", $"The current release {id} is gone from {f.Root}/releases.", $"Publish again (Publish-FlaskApp -Name {f.Name}) or go back: Undo-FlaskDeployment -Name {f.Name}.");
            if (!f.MetaFiles.Contains(id + ".manifest"))
                return Fail("Current release", $"The manifest of the current release {id} is missing ({f.Root}/meta/{id}.manifest): the next publish uploads every file.",
                    $"Publish again: Publish-FlaskApp -Name {f.Name} records a release with its manifest.");
            return Pass("Current release", $"Release {id} is current, with its manifest.");
        }

        public static CheckResult LiveSlot(PublishedFacts f)
        {
            if (f.LiveService == null) return Fail("Live slot", "The state file names no live slot.", $"Publish again: Publish-FlaskApp -Name {f.Name}.");
            var s = SupervisorStatusParser.Find(f.StatusText, f.LiveService);
            if (s != null && s.State == SupervisorState.Running)
                return Pass("Live slot", $"{f.LiveService} is RUNNING (pid {s.Pid}).");
            return Fail("Live slot", $"{f.LiveService}, which serves release {f.State.Current}, is {(s == null ? "unknown to supervisord" : s.State)}.",
                $"Start it without downtime: Restart-FlaskApp -Name {f.Name} (or Start-SupervisorService {f.LiveService}; Get-FlaskLog -Name {f.Name} says why it stopped).");
        }

        public static CheckResult LivePort(PublishedFacts f)
        {
            int? port = f.LivePort;
            if (port == null) return Fail("Live port", "The state file names no port for the live slot.", $"Publish again: Publish-FlaskApp -Name {f.Name}.");
            var holders = Web.Listeners.OnPort(f.Listeners, port.Value);
            int? pid = f.State.Slot == null ? null : f.SlotPids.TryGetValue(f.State.Slot, out var p) ? p : null;
            if (holders.Count == 0)
                return Fail("Live port", $"Nothing listens on port {port}, where {f.LiveService} should answer.", $"Restart-FlaskApp -Name {f.Name}; Get-FlaskLog -Name {f.Name} -Stream Stderr says why uWSGI is not up.");
            if (pid != null && holders.Any(l => l.Pids.Contains(pid.Value)))
                return Pass("Live port", $"Port {port} is answered by {f.LiveService}'s own uWSGI (pid {pid}).");
            return Fail("Live port", $"Port {port} is held by another process, not by {f.LiveService}'s uWSGI: {holders[0].Line.Trim()}.",
                $"Stop that process, then Restart-FlaskApp -Name {f.Name}.", string.Join("\n", holders.Select(h => h.Line)));
        }

        public static CheckResult Backend(PublishedFacts f)
        {
            string target = WebBackendList.TargetFor(f.State.Domain, f.State.WebPath ?? "/");
            var entry = f.Backends.FirstOrDefault(b => WebBackendList.Matches(b, f.State.Domain, f.State.WebPath ?? "/"));
            if (f.LivePort != null && WebBackendList.PointsAt(f.Backends, f.State.Domain, f.State.WebPath ?? "/", f.LivePort))
                return Pass("Backend", $"{target} points at port {f.LivePort}.");
            string now = entry == null ? "there is no backend for it" : entry.Port != null ? $"it points at port {entry.Port}" + (entry.Port == f.State.PortOf(f.IdleSlot) ? " (the idle slot's)" : "") : $"it is {entry.Kind}";
            return Fail("Backend", $"The web backend for {target} does not point at the live slot's port {f.LivePort}: {now}.",
                $"Point it back: Set-WebBackend -Path {f.State.WebPath ?? "/"}{(f.State.Domain != null ? " -Domain " + f.State.Domain : "")} -Port {f.LivePort} (or Restart-FlaskApp -Name {f.Name}).");
        }

        public static CheckResult IdleSlot(PublishedFacts f)
        {
            string idle = f.IdleSlot;
            if (idle == null) return Pass("Idle slot", "There is no idle slot yet.");
            var file = f.SlotServices.TryGetValue(idle, out var h) ? h : HostFile.Missing;
            string service = PublishLayout.SlotService(f.Name, idle);
            if (!file.Exists) return Pass("Idle slot", $"{service} has no service ini (nothing starts it).");
            bool idleAtBoot = file.Text.Split('\n').Any(l => l.Replace(" ", "").Trim() == "autostart=false");
            if (!idleAtBoot)
                return Fail("Idle slot", $"{service} (the idle slot) is set to start at boot: after a reboot two slots would run, the idle one with an old release.",
                    $"Restart-FlaskApp -Name {f.Name} writes both slots' inis as they should be (or add autostart=false to ~/etc/services.d/{service}.ini by hand).");
            // After a switch the old slot runs on for the grace period, under the cleanup's lock; with the lock free it
            // should be stopped: a cleanup that was cut off left it running.
            var status = SupervisorStatusParser.Find(f.StatusText, service);
            if (f.Lock == null && status != null && SupervisorState.IsUp(status.State))
                return Warn("Idle slot", $"{service} (the idle slot) does not start at boot but still runs ({status.State}{(status.Pid != null ? ", pid " + status.Pid : "")}), though no cleanup is under way: a cleanup after a publish was cut off. It takes memory and serves nothing.",
                    $"Stop-SupervisorService -Name {service} (the next Publish-FlaskApp or Restart-FlaskApp stops it too).");
            return Pass("Idle slot", $"{service} does not start at boot.");
        }

        public static CheckResult Health(PublishedFacts f)
        {
            if (f.HealthUrl == null || f.HealthCode == null) return Skip("Health path", "There is no current release to request.");
            if (f.HealthCode.StartsWith("2", StringComparison.Ordinal) || f.HealthCode.StartsWith("3", StringComparison.Ordinal))
                return Pass("Health path", $"{f.HealthUrl} answered {f.HealthCode} through the frontend.");
            return Fail("Health path", $"{f.HealthUrl} answered {(f.HealthCode == "000" ? "nothing" : f.HealthCode)} through the frontend.",
                $"See why: Get-FlaskLog -Name {f.Name} -Stream Stderr; the checks above name a stopped slot or a backend elsewhere.");
        }

        public static CheckResult SecretsFile(PublishedFacts f)
        {
            if (f.SecretsMode == null) return Pass("Secrets file", "The app has no secrets file.");
            if (f.SecretsMode == "600") return Pass("Secrets file", "The secrets file has mode 0600.");
            return Fail("Secrets file", $"The secrets file {f.Root}/secrets has mode 0{f.SecretsMode}: other accounts on the host may read it.",
                $"chmod 600 {f.Root}/secrets (Invoke-UberspaceCommand), then rotate the secrets that may have been read.");
        }

        public static CheckResult PublishLockCheck(PublishedFacts f)
        {
            if (f.Lock == null) return Pass("Publish lock", "The publish lock is free.");
            string age = f.LockAgeSeconds == null ? "" : $" for {Age(f.LockAgeSeconds.Value)}";
            if (f.Lock.IsCleanup) return Pass("Publish lock", $"The cleanup after the last publish holds the lock{age}: {f.Lock.Holder}.");
            if (f.Lock.CleanupGone)
                return Warn("Publish lock", $"The cleanup after the last publish was cut off and left the lock{age}: {f.Lock.Holder}.",
                    $"Publish again (Publish-FlaskApp -Name {f.Name}): it takes the lock over, no -BreakLock needed, and stops the slot the cleanup left running.");
            return Fail("Publish lock", $"The publish lock is held{age} by {(f.Lock.Holder.Length == 0 ? "(holder unknown)" : f.Lock.Holder)}; another publish is refused meanwhile.",
                $"If that publish is gone (a killed client, a dropped connection): Publish-FlaskApp -Name {f.Name} -BreakLock.");
        }

        public static CheckResult DiskUse(PublishedFacts f) =>
            Pass("Disk use", $"Releases {Mb(f.ReleasesKib)}, venvs {Mb(f.VenvsKib)} (Remove-FlaskRelease prunes old ones).");

        static string Mb(long? kib) => kib == null ? "unknown" : (kib.Value / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " MB";

        static string Age(int seconds) =>
            seconds < 120 ? $"{seconds} s" : seconds < 7200 ? $"{seconds / 60} min" : $"{seconds / 3600} h";

        static CheckResult Pass(string check, string message) => new CheckResult { Check = check, Status = CheckStatus.Passed, Message = message };
        static CheckResult Warn(string check, string message, string fix) => new CheckResult { Check = check, Status = CheckStatus.Warning, Message = message, Fix = fix };
        static CheckResult Skip(string check, string message) => new CheckResult { Check = check, Status = CheckStatus.Skipped, Message = message };
        static CheckResult Fail(string check, string message, string fix, string detail = null) =>
            new CheckResult { Check = check, Status = CheckStatus.Failed, Message = message, Fix = fix, Detail = detail };
    }
}
