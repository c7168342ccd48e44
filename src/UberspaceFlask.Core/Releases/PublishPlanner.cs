using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using UberspaceFlask.Core.Host;
using UberspaceFlask.Core.Supervisor;
using UberspaceFlask.Core.Uwsgi;
using UberspaceFlask.Core.Web;

namespace UberspaceFlask.Core.Releases
{
    /// <summary>Pure decisions of Publish-FlaskApp and Undo-FlaskDeployment (unit-tested without a host).</summary>
    public static class PublishPlanner
    {
        public const int KeepFailed = 2;

        public static string VenvKey(PublishSpec spec, string pythonVersion, byte[] requirements) =>
            ProjectFiles.Sha256(
                "python=" + pythonVersion + "\nsystem-site-packages=" + (spec.SystemSitePackages ? "yes" : "no") +
                "\npip=" + string.Join("\u0000", spec.PipArguments) + "\nrequirements=" + ProjectFiles.Sha256(requirements ?? new byte[0])).Substring(0, 16);

        /// <summary>Everything that makes two deploys the same: a re-publish with the same key changes nothing.</summary>
        public static string DeployKey(PublishSpec spec, string manifest, string entry, string venvKey, string secretsHash, int port, int alternatePort) =>
            ProjectFiles.Sha256(string.Join("\n", new[]
            {
                manifest, "entry=" + entry, "venv=" + venvKey, "secrets=" + secretsHash, "target=" + spec.Target,
                "health=" + spec.HealthPath, "processes=" + spec.Processes, "threads=" + spec.Threads,
                "shared=" + string.Join(",", spec.SharedPaths), "ports=" + port + "," + alternatePort,
                "uwsgi=" + spec.UwsgiPath + "|" + (spec.Plugins == null ? "-" : string.Join(",", spec.Plugins)),
            }));

        public static (int Port, int Alternate) Ports(PublishSpec spec, PublishFacts facts)
        {
            int port = spec.Port ?? facts.State.Port ?? throw HostErrors.PortRequired($"The first publish of {spec.Name} on {facts.Where} needs -Port (the first slot's port; the second slot takes -AlternatePort, by default the next one). It is remembered afterwards.", spec.Name);
            int alt = spec.AlternatePort ?? (spec.Port == null ? facts.State.AlternatePort : null) ?? port + 1;
            if (alt == port || alt > InputValidation.MaxPort)
                throw HostErrors.InvalidAlternatePort($"The two slots need two ports; give -AlternatePort other than {port}.", alt);
            return (port, alt);
        }

        public static PublishPlan Plan(PublishSpec spec, PublishFacts facts, ProjectSnapshot project, DateTime nowUtc, bool breakLock, string hostFrontendUrl = null)
        {
            if (string.IsNullOrEmpty(facts.PythonVersion))
                throw HostErrors.PythonNotFound($"'{spec.Python}' did not run on {facts.Where}: {facts.PythonError}. Give -Python (for example python3.11).", spec.Python);
            var (port, alt) = Ports(spec, facts);
            var plan = new PublishPlan { Spec = spec, Facts = facts, Entry = project.Entry, Requirements = project.Requirements, BreakLock = breakLock, Root = facts.Root };
            plan.Manifest = ReleaseManifest.Render(project.Files);
            plan.Links = ReleaseManifest.RenderLinks(project.Files);
            plan.VenvKey = VenvKey(spec, facts.PythonVersion, project.RequirementsBytes);
            string files = plan.Links.Length == 0 ? plan.Manifest : plan.Manifest + "links:\n" + plan.Links;
            string key = DeployKey(spec, files, project.Entry, plan.VenvKey, facts.SecretsHash, port, alt);
            Live(plan, facts, spec);

            var current = facts.Release(plan.CurrentId);
            if (current != null && current.Key == key && IsServing(plan, facts, spec))
            {
                plan.Unchanged = true;
                plan.ReleaseId = current.Id;
                plan.Info = current;
                plan.VenvReused = true;
                plan.Slot = plan.LiveSlot;
                plan.SlotPort = plan.LivePort ?? port;
                return plan;
            }
            CheckLock(spec, facts, breakLock);

            plan.ReleaseId = ReleaseInfo.NewId(nowUtc, key);
            plan.Info = new ReleaseInfo { Id = plan.ReleaseId, CreatedUtc = nowUtc, Status = ReleaseStatus.Staged, Key = key, Venv = plan.VenvKey, Entry = project.Entry };
            var old = current != null ? facts.CurrentManifest : new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var file in project.Files)
            {
                if (!file.IsLink && old.TryGetValue(file.RelativePath, out var identity) && identity == ReleaseManifest.Identity(file)) plan.Link.Add(file.RelativePath);
                else
                {
                    plan.Upload.Add(file);
                    if (!old.ContainsKey(file.RelativePath)) plan.Added++;
                }
            }
            var newPaths = new HashSet<string>(project.Files.Select(f => f.RelativePath), StringComparer.Ordinal);
            plan.Removed = old.Keys.Where(p => !newPaths.Contains(p)).OrderBy(p => p, StringComparer.Ordinal).ToList();
            plan.VenvReused = facts.Venvs.Contains(plan.VenvKey);
            PlanSlotAndState(plan, facts, port, alt, project.RequirementsBytes, hostFrontendUrl);

            var where = new PublishDirectory(facts.Root ?? spec.Root);
            long bytes = plan.Upload.Sum(f => f.Size);
            plan.Changes.Add(new Change("Upload files", $"release {plan.ReleaseId} in {where.Releases}: {plan.Added} added, {plan.Upload.Count - plan.Added} changed, {plan.Removed.Count} removed ({bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes), {plan.Link.Count} unchanged" +
                Names(" added or changed: ", plan.Upload.Select(f => f.RelativePath)) + Names("; removed: ", plan.Removed)));
            plan.Changes.Add(plan.VenvReused
                ? new Change("Reuse venv", $"{where.Venv(plan.VenvKey)} (python {facts.PythonVersion})")
                : new Change("Build venv", $"{where.Venv(plan.VenvKey)} (python {facts.PythonVersion}{(project.Requirements != null ? ", pip install -r " + project.Requirements : "")})"));
            AddSlotChanges(plan, spec);
            return plan;
        }

        /// <summary>Undo-FlaskDeployment: the previous good release (or the named one) through the same gate and switch.</summary>
        public static PublishPlan PlanUndo(PublishSpec spec, PublishFacts facts, string releaseId, bool breakLock, string hostFrontendUrl = null) =>
            PlanGoLive(spec, facts, releaseId, breakLock, hostFrontendUrl, false);

        /// <summary>
        /// Restart-FlaskApp for a published app: the live release started on the idle slot, gated, switched to, and the
        /// old slot stopped, so no request fails (after a secret changed, or to give memory back). Never Unchanged.
        /// </summary>
        public static PublishPlan PlanRestart(PublishSpec spec, PublishFacts facts, bool breakLock, string hostFrontendUrl = null)
        {
            if (facts.State.Current == null)
                throw HostErrors.AppNotPublished($"{spec.Name} on {facts.Where} has no published release (~/apps/{spec.Name}/state names none).", spec.Name);
            return PlanGoLive(spec, facts, facts.State.Current, breakLock, hostFrontendUrl, true);
        }

        static PublishPlan PlanGoLive(PublishSpec spec, PublishFacts facts, string releaseId, bool breakLock, string hostFrontendUrl, bool restart)
        {
            var (port, alt) = Ports(spec, facts);
            var plan = new PublishPlan { Spec = spec, Facts = facts, StagesFiles = false, MarksFailure = false, LiveOutcome = restart ? PublishOutcome.Restarted : PublishOutcome.Restored, BreakLock = breakLock, Root = facts.Root };
            Live(plan, facts, spec);
            string id = releaseId ?? facts.State.Previous;
            var target = facts.Release(id);
            if (id == null || target == null)
                throw HostErrors.ReleaseNotFound(releaseId == null ? $"{spec.Name} on {facts.Where} has no previous release to go back to." : $"{spec.Name} on {facts.Where} has no release {releaseId}.", releaseId ?? spec.Name);
            if (target.Status != ReleaseStatus.Good)
                throw new UberspaceException("ReleaseNotGood", FailureKind.InvalidOperation,
                    $"Release {id} of {spec.Name} on {facts.Where} is {target.Status}; only a release that once went live can go live again.", id);
            if (!facts.Venvs.Contains(target.Venv ?? ""))
                throw new UberspaceException("ReleaseVenvMissing", FailureKind.ObjectNotFound,
                    $"The venv of release {id} ({target.Venv}) is gone on {facts.Where}; publish that code again instead.", id);
            if (!restart && id == plan.CurrentId && IsServing(plan, facts, spec))
            {
                plan.Unchanged = true; plan.ReleaseId = id; plan.Info = target; plan.VenvReused = true;
                plan.Slot = plan.LiveSlot; plan.SlotPort = plan.LivePort ?? port;
                return plan;
            }
            CheckLock(spec, facts, breakLock);
            plan.ReleaseId = id;
            plan.Info = target;
            plan.Entry = target.Entry;
            plan.VenvKey = target.Venv;
            plan.VenvReused = true;
            PlanSlotAndState(plan, facts, port, alt, null, hostFrontendUrl);
            plan.Prune.Clear();
            plan.PruneVenvs.Clear();
            AddSlotChanges(plan, spec);
            return plan;
        }

        /// <summary>Remove-FlaskRelease: what pruning with keepReleases would remove now (never current or previous).</summary>
        public static (List<string> Releases, List<string> Venvs) PlanPrune(PublishFacts facts, int keepReleases, string extraKeepVenv = null)
        {
            var keep = new HashSet<string>(StringComparer.Ordinal);
            if (facts.State.Current != null) keep.Add(facts.State.Current);
            if (facts.State.Previous != null) keep.Add(facts.State.Previous);
            foreach (var r in facts.Releases.Where(r => r.Status == ReleaseStatus.Good).OrderByDescending(r => r.Id, StringComparer.Ordinal))
                if (keep.Count < keepReleases || keep.Contains(r.Id)) keep.Add(r.Id);
            foreach (var r in facts.Releases.Where(r => r.Status != ReleaseStatus.Good).OrderByDescending(r => r.Id, StringComparer.Ordinal).Take(KeepFailed))
                keep.Add(r.Id);
            var prune = facts.Releases.Where(r => !keep.Contains(r.Id)).Select(r => r.Id).ToList();
            var usedVenvs = new HashSet<string>(facts.Releases.Where(r => keep.Contains(r.Id)).Select(r => r.Venv).Where(v => v != null), StringComparer.Ordinal);
            if (extraKeepVenv != null) usedVenvs.Add(extraKeepVenv);
            var venvs = facts.Venvs.Where(v => !usedVenvs.Contains(v)).OrderBy(v => v, StringComparer.Ordinal).ToList();
            return (prune, venvs);
        }

        /// <summary>
        /// The live slot is the state file's, unless the backend points at the other slot's port and that slot runs (a
        /// switch whose outcome was not known): then that one serves, and the new release goes to the state's slot, so
        /// a publish never restarts the slot the site is served from.
        /// </summary>
        static void Live(PublishPlan plan, PublishFacts facts, PublishSpec spec)
        {
            plan.CurrentId = facts.Release(facts.State.Current) != null ? facts.State.Current : null;
            plan.LiveSlot = plan.CurrentId != null && (facts.State.Slot == "a" || facts.State.Slot == "b") ? facts.State.Slot : null;
            plan.LivePort = plan.LiveSlot == null ? null : facts.State.PortOf(plan.LiveSlot);
            if (plan.LiveSlot == null) return;
            string other = PublishLayout.Other(plan.LiveSlot);
            int? otherPort = facts.State.PortOf(other);
            if (!WebBackendList.PointsAt(facts.Backends, spec.Domain, spec.WebPath, plan.LivePort)
                && WebBackendList.PointsAt(facts.Backends, spec.Domain, spec.WebPath, otherPort)
                && SupervisorState.IsUp(facts.SlotState(other, spec.Name)))
            {
                plan.LiveSlot = other;
                plan.LivePort = otherPort;
                plan.LiveFromBackend = true;
            }
        }

        /// <summary>The live slot runs and the backend points at its port: nothing to do when the release is the same.</summary>
        static bool IsServing(PublishPlan plan, PublishFacts facts, PublishSpec spec)
        {
            // A slot the backend found serving in place of the state's runs a release the state does not name.
            if (plan.LiveSlot == null || plan.LivePort == null || plan.LiveFromBackend) return false;
            if (!SupervisorState.IsUp(facts.SlotState(plan.LiveSlot, spec.Name))) return false;
            return WebBackendList.PointsAt(facts.Backends, spec.Domain, spec.WebPath, plan.LivePort);
        }

        static void CheckLock(PublishSpec spec, PublishFacts facts, bool breakLock)
        {
            // The last publish's cleanup ends on its own within seconds: the stage step waits for it.
            if (facts.LockHolder != null && !facts.LockIsCleanup && !facts.LockCleanupGone && !breakLock) throw PublishLayout.Locked(spec.Name, facts.Where, facts.LockHolder);
        }

        static void PlanSlotAndState(PublishPlan plan, PublishFacts facts, int port, int alt, byte[] requirements, string hostFrontendUrl)
        {
            plan.Slot = plan.LiveSlot == null ? "a" : PublishLayout.Other(plan.LiveSlot);
            plan.SlotPort = plan.Slot == "a" ? port : alt;
            PlanSlotFiles(plan, facts, requirements, hostFrontendUrl);
            plan.NewState = new PublishState
            {
                Current = plan.ReleaseId,
                Previous = plan.CurrentId != null && plan.CurrentId != plan.ReleaseId ? plan.CurrentId : facts.State.Previous,
                Slot = plan.Slot, Port = port, AlternatePort = alt, Target = plan.Spec.Target,
                WebPath = plan.Spec.WebPath, Domain = plan.Spec.Domain, HealthPath = plan.Spec.HealthPath,
                Processes = plan.Spec.Processes, Threads = plan.Spec.Threads,
            };
            // What pruning leaves once this release is current and the one before it previous.
            var after = new PublishFacts
            {
                State = plan.NewState,
                Releases = facts.Releases.Where(r => r.Id != plan.ReleaseId).Concat(new[] { plan.Info.With(ReleaseStatus.Good) }).ToList(),
                Venvs = facts.Venvs,
            };
            var (releases, venvs) = PlanPrune(after, plan.Spec.KeepReleases, plan.VenvKey);
            plan.Prune = releases;
            plan.PruneVenvs = venvs;
        }

        /// <summary>
        /// The slot's uWSGI (the one given, else the venv's: one that pip put there, or will, because the requirements
        /// name it; else the one on PATH, with the python3 plugin), its uwsgi ini and service ini through their owners,
        /// sealed like the guide's files, and the URLs of the two health checks. A slot file edited by hand is
        /// ConfigEditedByHand unless -Force.
        /// </summary>
        static void PlanSlotFiles(PublishPlan plan, PublishFacts facts, byte[] requirements, string hostFrontendUrl)
        {
            var spec = plan.Spec;
            string root = facts.Root ?? throw new UberspaceException("ReleaseProbeFailed", FailureKind.InvalidOperation, $"The probe on {facts.Where} did not say where the publish directory is.", spec.Name);
            string home = facts.Home ?? HostPaths.Parent(HostPaths.Parent(root)); // root is ~/apps/NAME
            var dir = new PublishDirectory(root);
            string venv = dir.Venv(plan.VenvKey);
            bool venvUwsgi = plan.VenvReused ? facts.VenvsWithUwsgi.Contains(plan.VenvKey) : NamesUwsgi(requirements) || string.IsNullOrEmpty(facts.SystemUwsgi);
            var (uwsgi, plugins) = UwsgiIni.Choose(spec.UwsgiPath == null ? null : facts.ExplicitUwsgi, facts.ExplicitUwsgiRuns, venv,
                venvUwsgi ? venv + "/bin/uwsgi" : null, facts.SystemUwsgi, spec.Plugins, facts.Where, "Add uwsgi to the requirements or give -UwsgiPath.");
            plan.SlotUwsgi = uwsgi;
            plan.SlotPlugins = plugins;

            string slotIni = UwsgiIni.RenderSlot(spec.Name, plan.Slot, plan.ReleaseId, dir, venv, plan.Entry, spec.WebPath, plan.SlotPort, spec.Processes, spec.Threads, plugins, spec.HealthPath);
            plan.SlotIni = new FileChange(dir.SlotIni(plan.Slot), slotIni, Earlier(facts.SlotInis, plan.Slot), spec.Force);
            string service = PublishLayout.SlotService(spec.Name, plan.Slot);
            string servicePath = ServiceIni.PathFor(home, service);
            plan.SlotService = new FileChange(servicePath, SlotService(home, root, service, plan.Slot, uwsgi, true), Earlier(facts.SlotServices, plan.Slot), spec.Force);
            plan.SlotServiceIdle = GeneratedFile.Seal(SlotService(home, root, service, plan.Slot, uwsgi, false), servicePath);
            plan.RewriteSlotService = facts.LockIsCleanup || facts.LockCleanupGone;
            if (plan.LiveSlot != null && plan.LiveSlot != plan.Slot)
            {
                string old = PublishLayout.SlotService(spec.Name, plan.LiveSlot);
                plan.OldSlotServiceIdle = new FileChange(ServiceIni.PathFor(home, old), SlotService(home, root, old, plan.LiveSlot, uwsgi, false),
                    Earlier(facts.SlotServices, plan.LiveSlot), spec.Force);
            }
            foreach (var file in new[] { plan.SlotIni, plan.SlotService, plan.OldSlotServiceIdle })
                if (file != null && file.HandEdited && !spec.Force) throw file.EditedByHand();

            plan.HealthUrlPath = (spec.WebPath == "/" ? "" : spec.WebPath) + spec.HealthPath;
            plan.FrontendHealth = Frontend.Request(Frontend.Base(spec.FrontendUrl, hostFrontendUrl, spec.Domain, home), spec.Domain, plan.HealthUrlPath);
        }

        static string SlotService(string home, string root, string service, string slot, string uwsgi, bool live) =>
            ServiceIni.Render(home, service, root, uwsgi, PublishLayout.SlotIniName(slot), 5, live);

        /// <summary>Whether a requirements file installs uWSGI itself (a line naming the package uwsgi).</summary>
        public static bool NamesUwsgi(byte[] requirements)
        {
            if (requirements == null) return false;
            foreach (var raw in new UTF8Encoding(false).GetString(requirements).Split('\n'))
            {
                string line = raw.Trim();
                if (line.Length < 5 || !line.StartsWith("uwsgi", StringComparison.OrdinalIgnoreCase)) continue;
                if (line.Length == 5 || !(char.IsLetterOrDigit(line[5]) || line[5] == '-' || line[5] == '_' || line[5] == '.')) return true;
            }
            return false;
        }

        /// <summary>
        /// A slot file as the probe saw it. One an earlier version of the module wrote (its header, no seal) counts as
        /// the module's own, so upgrading does not turn every slot file into a hand edit.
        /// </summary>
        static HostFile Earlier(Dictionary<string, HostFile> files, string slot)
        {
            if (!files.TryGetValue(slot, out var f) || f == null) return HostFile.Missing;
            if (f.Exists && !f.IsLink && f.Text != null && !GeneratedFile.IsUntouched(f.Text)
                && f.Text.StartsWith("# Written by UberspaceFlask's Publish-FlaskApp", StringComparison.Ordinal))
                return new HostFile(true, false, GeneratedFile.Seal(f.Text, "slot.ini"));
            return f;
        }

        static void AddSlotChanges(PublishPlan plan, PublishSpec spec)
        {
            string slotService = PublishLayout.SlotService(spec.Name, plan.Slot);
            plan.Changes.AddRange(FileChange.Changes(new[] { plan.SlotIni, plan.SlotService }));
            if (spec.ReleaseCommand != null)
                plan.Changes.Add(new Change("Run release command", $"{CommandWords.Display(spec.ReleaseCommand)} in release {plan.ReleaseId} (its folder and venv, the app's secrets in its environment)"));
            plan.Changes.Add(new Change("Start slot", $"{slotService} on port {plan.SlotPort} with release {plan.ReleaseId} ({plan.SlotUwsgi}), then wait for {plan.HealthUrlPath} to answer 2xx/3xx"));
            plan.Changes.Add(Change.Run(plan.BackendCommand, "switch the web backend to the new slot, then check " + plan.FrontendHealth));
            if (plan.OldSlotServiceIdle != null)
                plan.Changes.AddRange(FileChange.Changes(new[] { plan.OldSlotServiceIdle }));
            if (plan.LiveSlot != null)
                plan.Changes.Add(new Change("Stop slot", $"{PublishLayout.SlotService(spec.Name, plan.LiveSlot)} on port {plan.LivePort} (release {plan.CurrentId}), {spec.GraceSeconds} s after the switch"));
            var dir = new PublishDirectory(plan.Facts.Root ?? spec.Root);
            foreach (var id in plan.Prune) plan.Changes.Add(new Change("Remove release", dir.Release(id)));
            foreach (var v in plan.PruneVenvs) plan.Changes.Add(new Change("Remove venv", dir.Venv(v)));
        }

        static string Names(string prefix, IEnumerable<string> names)
        {
            var list = names.ToList();
            if (list.Count == 0) return "";
            var shown = list.Take(20).ToList();
            return prefix + string.Join(", ", shown) + (list.Count > shown.Count ? $" and {list.Count - shown.Count} more" : "");
        }
    }
}
