using System;
using System.Collections.Generic;
using System.Linq;
using UberspaceFlask.Core.Host;
using UberspaceFlask.Core.Supervisor;
using UberspaceFlask.Core.Web;

namespace UberspaceFlask.Core.Releases
{
    /// <summary>What a host says about an app's releases: one round trip (releases/probe.sh).</summary>
    public sealed class PublishFacts
    {
        public string Where { get; set; }
        public string Home { get; set; }
        /// <summary>The publish directory, absolute.</summary>
        public string Root { get; set; }
        /// <summary>"3.11.7"; null when the python did not run.</summary>
        public string PythonVersion { get; set; }
        public string PythonError { get; set; }
        public PublishState State { get; set; } = new PublishState();
        /// <summary>The publish lock; null when free.</summary>
        public PublishLock Lock { get; set; }
        /// <summary>The lock's holder line when the lock is held; null when free.</summary>
        public string LockHolder => Lock?.Holder;
        /// <summary>The lock is held by the cleanup after the last publish, which still runs: a publish waits for it.</summary>
        public bool LockIsCleanup => Lock?.IsCleanup == true;
        /// <summary>The lock of a cleanup whose process is gone: taken over by the next publish, not refused.</summary>
        public bool LockCleanupGone => Lock?.CleanupGone == true;
        public List<ReleaseInfo> Releases { get; set; } = new List<ReleaseInfo>();
        public HashSet<string> Venvs { get; set; } = new HashSet<string>(StringComparer.Ordinal);
        /// <summary>The complete venvs that hold a uWSGI of their own.</summary>
        public HashSet<string> VenvsWithUwsgi { get; set; } = new HashSet<string>(StringComparer.Ordinal);
        /// <summary>The uWSGI on PATH; null for none.</summary>
        public string SystemUwsgi { get; set; }
        /// <summary>-UwsgiPath resolved on the host, and whether it is an executable file.</summary>
        public string ExplicitUwsgi { get; set; }
        public bool ExplicitUwsgiRuns { get; set; }
        /// <summary>Each slot's uwsgi ini and service ini as they are now ("a", "b").</summary>
        public Dictionary<string, HostFile> SlotInis { get; set; } = new Dictionary<string, HostFile>(StringComparer.Ordinal);
        public Dictionary<string, HostFile> SlotServices { get; set; } = new Dictionary<string, HostFile>(StringComparer.Ordinal);
        /// <summary>SHA-256 of the secrets file; "" when there is none.</summary>
        public string SecretsHash { get; set; } = "";
        /// <summary>The current release's manifest: path to hash.</summary>
        public Dictionary<string, string> CurrentManifest { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
        /// <summary>The slots' services as supervisorctl shows them, or (when it was not asked) the slots whose uWSGI
        /// master reported for itself and answers on the slot's port, as RUNNING.</summary>
        public Dictionary<string, SupervisorProgramStatus> Slots { get; set; } = new Dictionary<string, SupervisorProgramStatus>(StringComparer.Ordinal);
        /// <summary>Whether supervisorctl was asked about the slots.</summary>
        public bool SlotsAsked { get; set; }
        public List<WebBackendEntry> Backends { get; set; } = new List<WebBackendEntry>();
        /// <summary>Whether `uberspace web backend list` answered.</summary>
        public bool BackendsRead { get; set; }

        /// <summary>
        /// Whether the plan can go on what the slots' masters reported, without asking supervisorctl (a Python program,
        /// a quarter of a second): the live slot's master answers on its port, and no backend points at the other
        /// slot's port, the one case in which the plan must know for sure whether the other slot runs
        /// (<see cref="PublishPlanner"/>'s Live). A slot that did not report may still run; then supervisorctl says.
        /// </summary>
        public bool SlotsKnown(string name)
        {
            if (SlotsAsked) return true;
            string live = State.Slot;
            if (State.Current == null || (live != "a" && live != "b")) return true;
            if (!SupervisorState.IsUp(SlotState(live, name)) || !BackendsRead) return false;
            int? otherPort = State.PortOf(PublishLayout.Other(live));
            return otherPort == null || !Backends.Any(b => b.Port == otherPort);
        }

        public ReleaseInfo Release(string id) => id == null ? null : Releases.FirstOrDefault(r => r.Id == id);
        public string SlotState(string slot, string name) =>
            Slots.TryGetValue(PublishLayout.SlotService(name, slot), out var s) ? s.State : SupervisorState.NotFound;
    }

    public static class PublishProbe
    {
        public static PublishFacts Run(HostShell shell, string name, string python, string uwsgiPath = null)
        {
            var facts = Run(shell, name, python, uwsgiPath, false);
            // What the slots' masters reported decides most publishes; when it does not, supervisorctl is asked.
            return facts.SlotsKnown(name) ? facts : Run(shell, name, python, uwsgiPath, true);
        }

        static PublishFacts Run(HostShell shell, string name, string python, string uwsgiPath, bool askSupervisor)
        {
            var r = shell.RunScript("releases/probe", new[] { ScriptArgument.Of(PublishLayout.RootFor(name)), name, python, uwsgiPath ?? "", "", askSupervisor ? "ask" : "" },
                TimeSpan.FromSeconds(60));
            if (r.ExitStatus != 0) throw r.Failure("ReleaseProbeFailed", "Reading the app's releases", shell.Where);
            return Read(r.Output, name, shell.Where);
        }

        /// <summary>The release records alone (state, lock, releases, venvs): no Python, no supervisorctl, no backend list.</summary>
        public static PublishFacts Records(HostShell shell, string name)
        {
            var r = shell.RunScript("releases/probe", new[] { ScriptArgument.Of(PublishLayout.RootFor(name)), name, "", "", "records" }, TimeSpan.FromSeconds(60));
            if (r.ExitStatus != 0) throw r.Failure("ReleaseProbeFailed", "Reading the app's releases", shell.Where);
            return Read(r.Output, name, shell.Where);
        }

        /// <summary>Reads the probe's sections into facts (no host: unit-testable with a captured output).</summary>
        public static PublishFacts Read(ScriptOutput o, string name, string where)
        {
            var f = new PublishFacts { Where = where };
            var host = o.Facts("host");
            f.Home = host.TryGetValue("home", out var h) ? HostPaths.Normalize(h) : null;
            f.Root = host.TryGetValue("root", out var root) ? root : null;
            string py = o.Text("python").Trim();
            if (System.Text.RegularExpressions.Regex.IsMatch(py, @"\A\d+\.\d+(\.\d+)?\S*\z")) f.PythonVersion = py; else f.PythonError = py;
            f.State = PublishState.Read(o.Text("state"));
            f.Lock = PublishLock.Read(o.Text("lock"));
            foreach (var section in o.Names.Where(n => n.StartsWith("info:", StringComparison.Ordinal)).Distinct())
            {
                string id = section.Substring(5);
                if (ReleaseInfo.IsId(id)) f.Releases.Add(ReleaseInfo.Read(id, o.Text(section)));
            }
            f.Releases = f.Releases.OrderBy(x => x.Id, StringComparer.Ordinal).ToList();
            foreach (var line in o.Text("venvs").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0))
            {
                var parts = line.Split(' ');
                f.Venvs.Add(parts[0]);
                if (parts.Length > 1 && parts[1] == "uwsgi") f.VenvsWithUwsgi.Add(parts[0]);
            }
            var uwsgi = o.Facts("uwsgi");
            f.SystemUwsgi = uwsgi.TryGetValue("system", out var sys) && sys.Length > 0 ? sys : null;
            f.ExplicitUwsgi = uwsgi.TryGetValue("explicit", out var ex) && ex.Length > 0 ? ex : null;
            f.ExplicitUwsgiRuns = uwsgi.TryGetValue("explicitok", out var ok) && ok == "yes";
            foreach (var slot in new[] { "a", "b" })
            {
                f.SlotInis[slot] = o.File("slot-ini:" + slot);
                f.SlotServices[slot] = o.File("slot-service:" + slot);
            }
            f.SecretsHash = o.Text("secrets").Trim();
            f.CurrentManifest = ReleaseManifest.Read(o.Text("manifest"));
            f.SlotsAsked = o.Has("status");
            foreach (var s in SupervisorStatusParser.Parse(o.Text("status"))) f.Slots[s.Name] = s;
            if (!f.SlotsAsked)
            {
                var listeners = Listeners.Parse(o.Text("listeners"));
                foreach (var slot in new[] { "a", "b" })
                {
                    var master = MasterReport.Read(o, "master:" + slot);
                    // Up either way (STARTING or RUNNING): startsecs do not matter to the plan.
                    if (master != null && master.AnswersOn(listeners, f.State.PortOf(slot)))
                        f.Slots[PublishLayout.SlotService(name, slot)] = master.ToStatus(PublishLayout.SlotService(name, slot), 0);
                }
            }
            f.BackendsRead = o.Exit("backends-exit") == 0;
            if (f.BackendsRead) f.Backends = WebBackendList.Parse(o.Text("backends"));
            return f;
        }
    }
}
