using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using UberspaceFlask.Core.Host;

namespace UberspaceFlask.Core.Releases
{
    /// <summary>What one publish (or undo) did on one host.</summary>
    public sealed class PublishResult
    {
        public string Name { get; set; }
        public string Where { get; set; }
        public PublishOutcome Status { get; set; }
        public string ReleaseId { get; set; }
        public string PreviousReleaseId { get; set; }
        /// <summary>upload, import-gate, health-gate, switch; null unless it failed.</summary>
        public string FailedPhase { get; set; }
        public bool VenvReused { get; set; }
        public string LiveSlot { get; set; }
        public int? LivePort { get; set; }
        public int FilesUploaded { get; set; }
        public int FilesLinked { get; set; }
        public int FilesRemoved { get; set; }
        public long BytesUploaded { get; set; }
        public TimeSpan Duration { get; set; }
        public Dictionary<string, TimeSpan> PhaseDurations { get; } = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        public string LogTail { get; set; }
        public List<string> Pruned { get; } = new List<string>();
        /// <summary>What the release command printed (stdout and stderr); null when none ran.</summary>
        public string ReleaseCommandOutput { get; set; }
        /// <summary>Set when Status is Failed or RolledBack: the error to report beside the result.</summary>
        public UberspaceException Error { get; set; }
    }

    /// <summary>
    /// Carries out a <see cref="PublishPlan"/> as phases: stage (files, venv, gate 1, release command, gate 2 in one
    /// command; an undo or restart runs gate 2 alone), switch, then finish, or abandon after a failure. What each
    /// host command said is read once (StageOutcome, SwitchOutcome); the words of every error are PublishErrors'.
    /// </summary>
    public static class Publisher
    {
        /// <summary>This client's holder line for the publish lock.</summary>
        public static string Holder() =>
            PublishLock.ForClient(Environment.UserName, Environment.MachineName, Process.GetCurrentProcess().Id, DateTime.UtcNow);

        /// <summary>Where a publish stands while it runs: the phase it is in, and whether the new slot may be stopped.</summary>
        sealed class Progress
        {
            public string Phase = PublishPhase.Upload;
            public bool SlotStarted;
            /// <summary>Once the switch ran, the new slot may be what the backend points at: it is never stopped then.</summary>
            public bool SlotMayServe;
            /// <summary>The lock is another's: nothing of this publish is on the host.</summary>
            public bool LockRefused;
        }

        public static PublishResult Apply(HostShell shell, PublishPlan plan)
        {
            var spec = plan.Spec;
            var result = new PublishResult
            {
                Name = spec.Name, Where = shell.Where, ReleaseId = plan.ReleaseId, PreviousReleaseId = plan.CurrentId,
                VenvReused = plan.VenvReused, LiveSlot = plan.LiveSlot, LivePort = plan.LivePort,
            };
            var total = Stopwatch.StartNew();
            if (plan.Unchanged)
            {
                result.Status = PublishOutcome.Unchanged;
                result.PreviousReleaseId = plan.Facts.State.Previous;
                result.Duration = total.Elapsed;
                return result;
            }
            var at = new Progress();
            var sw = Stopwatch.StartNew();
            void Done(string p) { result.PhaseDurations[p] = sw.Elapsed; sw.Restart(); }
            try
            {
                if (plan.StagesFiles)
                {
                    shell.Log.Progress("Publish " + spec.Name, $"Uploading {plan.Upload.Count} files", 10);
                    Stage(shell, plan, result, at);
                    sw.Restart();
                }
                else
                {
                    Lock(shell, plan, at);
                    at.Phase = PublishPhase.HealthGate;
                    shell.Log.Progress("Publish " + spec.Name, $"Starting {PublishLayout.SlotService(spec.Name, plan.Slot)} on port {plan.SlotPort}", 60);
                    at.SlotStarted = true;
                    StartSlot(shell, plan, result, at);
                    Done(PublishPhase.HealthGate);
                }
                at.Phase = PublishPhase.Switch;
                shell.Log.Progress("Publish " + spec.Name, "Switching the web backend", 80);
                at.SlotMayServe = true;
                Switch(shell, plan, result, at);
                Done(PublishPhase.Switch);
                at.Phase = PublishPhase.Cleanup;
                Finish(shell, plan, result);
                Done(PublishPhase.Cleanup);
                result.Status = plan.LiveOutcome;
                result.LiveSlot = plan.Slot;
                result.LivePort = plan.SlotPort;
            }
            catch (ScriptInterruptedException cut)
            {
                // The connection went: the output that arrived says how far a stage came.
                if (plan.StagesFiles && at.Phase == PublishPhase.Upload) at.Phase = StageOutcome.Reached(cut.Partial);
                throw PublishErrors.ConnectionLost(plan, shell.Where, at.Phase, cut);
            }
            catch (Exception e) when (!(e is OperationCanceledException) && !(e is UberspaceException u && u.Kind == FailureKind.OperationStopped))
            {
                // Anything else, expected or not, fails this host only, and never leaves the lock or a started slot behind.
                var ex = e as UberspaceException ?? PublishErrors.Failed(plan, shell.Where, at.Phase, e);
                if (result.Status != PublishOutcome.RolledBack) result.Status = PublishOutcome.Failed;
                result.FailedPhase = at.Phase;
                result.Error = ex;
                // A slot the backend may point at is never stopped: a site served by two slots beats one served by none.
                if (!at.LockRefused) Abandon(shell, plan, at.Phase, at.SlotStarted && !at.SlotMayServe);
            }
            finally
            {
                shell.Log.ProgressDone("Publish " + spec.Name);
                result.Duration = total.Elapsed;
            }
            return result;
        }

        /// <summary>Acts on what a stage or slot command said: the result's facts, then its error, if any.</summary>
        static void Take(StageOutcome o, HostShell shell, PublishResult result, Progress at)
        {
            if (o.ReleaseCommandOutput != null)
            {
                result.ReleaseCommandOutput = o.ReleaseCommandOutput;
                foreach (var line in o.ReleaseCommandOutput.Split('\n'))
                    if (line.Length > 0) shell.Log.Information(line);
            }
            if (o.LogTail != null) result.LogTail = o.LogTail;
            if (o.Error == null) return;
            at.Phase = o.Phase;
            at.SlotStarted = o.SlotStarted;
            at.LockRefused = o.LockRefused;
            throw o.Error;
        }

        /// <summary>
        /// Takes the lock and builds the release on the host from one stream on the stage script's stdin: the manifest,
        /// the files to hard-link from the current release, the links to check, then the archive of everything new or
        /// changed. One remote command, whatever the number of files or their size; it ends with gate 2.
        /// </summary>
        static void Stage(HostShell shell, PublishPlan plan, PublishResult result, Progress at)
        {
            var clock = Stopwatch.StartNew();
            TimeSpan sentAt = TimeSpan.Zero;
            var utf8 = new UTF8Encoding(false);
            byte[] manifest = utf8.GetBytes(plan.Manifest);
            byte[] keep = utf8.GetBytes(string.Concat(plan.Link.Select(p => p + "\n")));
            byte[] links = utf8.GetBytes(plan.Links ?? "");
            long archive = ReleaseArchive.Length(plan.Upload);
            long total = manifest.Length + keep.Length + links.Length + archive;
            string activity = "Publish " + plan.Spec.Name;
            long reported = 0;
            var payload = new HostPayload(total, s =>
            {
                s.Write(manifest, 0, manifest.Length);
                s.Write(keep, 0, keep.Length);
                s.Write(links, 0, links.Length);
                ReleaseArchive.Write(s, plan.Upload, n =>
                {
                    if (n - reported < 1024 * 1024 && n < archive) return;
                    reported = n;
                    shell.Log.Progress(activity, $"Uploading {plan.Upload.Count} files: {n / 1024:N0} of {archive / 1024:N0} KiB", 10 + (int)(20 * n / Math.Max(1, archive)));
                });
                sentAt = clock.Elapsed;
                shell.Log.Progress(activity, plan.VenvReused ? "Checking the release" : "Building the venv", 30);
            });
            var spec = plan.Spec;
            // However slow the link, a stream that still moves is not cut off: twenty minutes (pip included), and a
            // second per 100 KB.
            var timeout = TimeSpan.FromMinutes(20) + TimeSpan.FromSeconds(total / 100000.0);
            var args = new StageWords(plan, Holder(), manifest.Length, keep.Length, links.Length).ToArgumentsWithPip();
            var r = shell.RunScript("releases/stage", args, timeout + TimeSpan.FromSeconds(spec.HealthTimeoutSeconds), payload: payload);
            var o = StageOutcome.ReadStage(r, plan, shell.Where);
            result.VenvReused = o.VenvReused;
            result.FilesUploaded = plan.Upload.Count;
            result.FilesLinked = plan.Link.Count;
            result.FilesRemoved = plan.Removed.Count;
            result.BytesUploaded = plan.Upload.Sum(f => f.Size);
            WarnBackups(shell, plan, r.ExitStatus);
            Take(o, shell, result, at);
            var took = o.Timings(clock.Elapsed, sentAt);
            result.PhaseDurations[PublishPhase.Upload] = took.Upload;
            result.PhaseDurations["venv-and-import-gate"] = took.ImportGate;
            result.PhaseDurations[PublishPhase.HealthGate] = took.HealthGate;
        }

        static void Lock(HostShell shell, PublishPlan plan, Progress at)
        {
            var r = shell.RunScript("releases/lock", new[] { ScriptArgument.Of(plan.Root), Holder(), plan.BreakLock ? "break" : "" });
            if (r.ExitStatus == ExitCodes.Locked)
            {
                at.LockRefused = true;
                throw PublishLayout.Locked(plan.Spec.Name, shell.Where, PublishLock.ReadRefusal(r.Output.Text("lock")));
            }
            if (r.ExitStatus != 0) throw r.Failure("ReleaseLockFailed", "Taking the publish lock", shell.Where);
        }

        /// <summary>Gate 2 alone (an undo: its release and venv are there already).</summary>
        static void StartSlot(HostShell shell, PublishPlan plan, PublishResult result, Progress at)
        {
            var spec = plan.Spec;
            var args = new SlotCommandWords(plan).ToArguments();
            // A release command has no time limit of its own beyond the one a publish gives it.
            var r = shell.RunScript("releases/slot", args, TimeSpan.FromSeconds(spec.HealthTimeoutSeconds + 60) + (spec.ReleaseCommand != null ? TimeSpan.FromMinutes(20) : TimeSpan.Zero));
            WarnBackups(shell, plan, r.ExitStatus);
            Take(StageOutcome.ReadSlot(r, plan, shell.Where), shell, result, at);
        }

        /// <summary>A slot file that was replaced with -Force kept its old content beside it: say where.</summary>
        static void WarnBackups(HostShell shell, PublishPlan plan, int exitStatus)
        {
            if (exitStatus != 0) return;
            foreach (var f in new[] { plan.SlotIni, plan.SlotService })
                if (f.BackupPath != null) shell.Log.Warning($"{shell.Where}: the old {f.Path} was kept as {f.BackupPath}.");
        }

        /// <summary>
        /// Points the backend at the new slot and confirms it: the list shows its port and the frontend answers the health
        /// path from it. When that fails in any way, the backend is set back to the old slot and the frontend asked
        /// again which slot it reaches, since a `set` cut off on the host can have reloaded the frontend without
        /// recording it (and a `set` that changes nothing reloads nothing): the list alone can be wrong. The new slot
        /// answering means the switch happened: the list is made to agree and the release goes live. Only the old
        /// slot's answer (or, after a switch that ran whole, the list) clears the new slot to stop; after a cut-off
        /// switch that neither answers, nothing is stopped.
        /// </summary>
        static void Switch(HostShell shell, PublishPlan plan, PublishResult result, Progress at)
        {
            string newSlot = PublishLayout.SlotService(plan.Spec.Name, plan.Slot);
            var r = RunSwitch(shell, plan, plan.SlotPort, newSlot);
            string problem = SwitchOutcome.Problem(r, plan, plan.SlotPort, newSlot);
            if (problem == null) return;
            if (plan.LivePort == null) throw PublishErrors.SwitchCheckFailed(plan, shell.Where, problem);
            var back = RunSwitch(shell, plan, plan.LivePort.Value, PublishLayout.SlotService(plan.Spec.Name, plan.LiveSlot));
            if (!SwitchOutcome.ListShows(back, plan, plan.LivePort))
                throw PublishErrors.SwitchBackFailed(plan, shell.Where, problem, back.ExitStatus != 0 ? PublishErrors.Died(back.ExitStatus) : back.Output.Text("change").Trim());
            var (code, answered) = SwitchOutcome.Answer(back);
            if (answered == newSlot && SwitchOutcome.Ok(code))
            {
                var again = RunSwitch(shell, plan, plan.SlotPort, newSlot);
                string still = SwitchOutcome.Problem(again, plan, plan.SlotPort, newSlot);
                if (still != null) throw PublishErrors.SwitchBackFailed(plan, shell.Where, problem, $"the frontend still reached {newSlot}, and setting the backend to port {plan.SlotPort} again did not confirm: {still}");
                shell.Log.Warning($"{shell.Where}: after {problem}, the frontend was found serving {newSlot}: the switch had happened. The backend list was set to port {plan.SlotPort} to agree, and release {plan.ReleaseId} went live.");
                return;
            }
            if (r.ExitStatus != 0 && !SwitchOutcome.Ok(code))
                throw PublishErrors.SwitchBackFailed(plan, shell.Where, problem, $"through the frontend neither slot answered ({(code == "000" ? "nothing" : code)}), so which one serves is not known");
            at.SlotMayServe = false;
            result.Status = PublishOutcome.RolledBack;
            throw PublishErrors.SwitchRolledBack(plan, shell.Where, problem);
        }

        static ScriptResult RunSwitch(HostShell shell, PublishPlan plan, int port, string service) =>
            shell.RunScript("releases/switch", new[] { ScriptArgument.Of(plan.Spec.Target), ScriptArgument.Of(port), ScriptArgument.Of(plan.FrontendHealth.Argument), ScriptArgument.Of(service) }, TimeSpan.FromSeconds(90));

        static void Finish(HostShell shell, PublishPlan plan, PublishResult result)
        {
            var spec = plan.Spec;
            string old = plan.OldSlotServiceIdle != null ? PublishLayout.SlotService(spec.Name, plan.LiveSlot) : "";
            var r = shell.RunScript("releases/finish", new FinishWords(plan, old, PublishLock.ForCleanup(plan.ReleaseId, old, spec.GraceSeconds, DateTime.UtcNow)).ToArguments());
            if (r.ExitStatus != 0) throw PublishErrors.RecordFailed(plan, shell.Where, PublishErrors.Died(r.ExitStatus), r.Raw.Stderr, old);
            if (old.Length > 0 || plan.Prune.Count > 0 || plan.PruneVenvs.Count > 0)
                shell.Log.Verbose($"[{shell.Where}] the cleanup runs on: {(old.Length > 0 ? $"{old} stops after {spec.GraceSeconds} s, then " : "")}old releases are pruned; it holds the publish lock until it is done (see {plan.Root}/cleanup.log).");
            result.Pruned.AddRange(plan.Prune);
        }

        /// <summary>After a failed publish: the started slot stopped and idle again, the release marked failed (once it
        /// was in place), staging dropped and the lock freed (releases/abandon.sh).</summary>
        static void Abandon(HostShell shell, PublishPlan plan, string phase, bool stopSlot)
        {
            try
            {
                string info = !plan.MarksFailure || phase == PublishPhase.Upload || phase == PublishPhase.Cleanup ? "" : plan.Info.With(ReleaseStatus.Failed, phase).Render();
                shell.RunScriptChecked("releases/abandon", "ReleaseUnlockFailed", "Freeing the publish lock", new[]
                {
                    ScriptArgument.Of(plan.Root), plan.MarksFailure ? plan.ReleaseId : "", stopSlot ? PublishLayout.SlotService(plan.Spec.Name, plan.Slot) : "",
                    info.Length == 0 ? ScriptArgument.Of("") : ScriptArgument.Content(info),
                    stopSlot ? plan.SlotService.Path : "",
                    stopSlot ? ScriptArgument.Content(plan.SlotServiceIdle) : ScriptArgument.Of(""),
                });
            }
            catch (UberspaceException ex)
            {
                shell.Log.Warning($"{shell.Where}: cleaning up after the failed publish failed too ({ex.Message}); the lock may need -BreakLock.");
            }
        }
    }
}
