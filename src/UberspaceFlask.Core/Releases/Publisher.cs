using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using UberspaceFlask.Core.Host;
using UberspaceFlask.Core.Supervisor;
using UberspaceFlask.Core.Templates;
using UberspaceFlask.Core.Web;

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

    /// <summary>Carries out a <see cref="PublishPlan"/>: stage, seal (venv, gate 1), start the idle slot (gate 2), switch, finish.</summary>
    public static class Publisher
    {
        /// <summary>This client's holder line for the publish lock.</summary>
        public static string Holder() =>
            PublishLock.ForClient(Environment.UserName, Environment.MachineName, Process.GetCurrentProcess().Id, DateTime.UtcNow);

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
            string root = plan.Root;
            string phase = "upload";
            bool slotStarted = false;
            bool slotMayServe = false; // once the switch ran, the new slot may be what the backend points at
            string slotService = PublishLayout.SlotService(spec.Name, plan.Slot);
            var sw = Stopwatch.StartNew();
            void Done(string p) { result.PhaseDurations[p] = sw.Elapsed; sw.Restart(); }
            try
            {
                if (!plan.IsUndo)
                {
                    shell.Log.Progress("Publish " + spec.Name, $"Uploading {plan.Upload.Count} files", 10);
                    // One command stages the release, runs the venv step, gate 1 and gate 2: its output says which failed.
                    try
                    {
                        var took = Stage(shell, plan, root, result);
                        result.PhaseDurations["upload"] = took.Upload;
                        result.PhaseDurations["venv-and-import-gate"] = took.ImportGate;
                        result.PhaseDurations["health-gate"] = took.HealthGate;
                        sw.Restart();
                    }
                    catch (UberspaceException e) when (e.ErrorId == "VenvBuildFailed" || e.ErrorId == "ImportGateFailed" || e.ErrorId == "UwsgiNotFound")
                    {
                        phase = "import-gate";
                        throw;
                    }
                    catch (UberspaceException e) when (e.ErrorId == "HealthGateFailed" || e.ErrorId == "SlotPortInUse" || e.ErrorId == "SlotStartFailed")
                    {
                        phase = "health-gate";
                        slotStarted = true;
                        throw;
                    }
                    catch (UberspaceException e) when (e.ErrorId == "PublishInterrupted" || e.ErrorId == "HostDiskFull" || e.ErrorId == "ReleaseCommandFailed" || e.ErrorId == "ReleaseStageFailed")
                    {
                        phase = result.FailedPhase ?? phase;
                        slotStarted = phase == "health-gate";
                        throw;
                    }
                }
                else
                {
                    Lock(shell, root, plan.BreakLock, spec);
                    phase = "health-gate";
                    shell.Log.Progress("Publish " + spec.Name, $"Starting {slotService} on port {plan.SlotPort}", 60);
                    slotStarted = true;
                    StartSlot(shell, plan, result);
                    Done("health-gate");
                }
                phase = "switch";
                shell.Log.Progress("Publish " + spec.Name, "Switching the web backend", 80);
                slotMayServe = true;
                Switch(shell, plan, result, ref slotMayServe);
                Done("switch");
                phase = "cleanup";
                Finish(shell, plan, root, result);
                Done("cleanup");
                result.Status = plan.IsRestart ? PublishOutcome.Restarted : plan.IsUndo ? PublishOutcome.Restored : PublishOutcome.Deployed;
                result.LiveSlot = plan.Slot;
                result.LivePort = plan.SlotPort;
            }
            catch (Exception e) when (!(e is OperationCanceledException) && !(e is UberspaceException u && (u.ErrorId == "CommandStopped" || u.ErrorId == "ConnectionLost")))
            {
                // Anything else, expected or not, fails this host only, and never leaves the lock or a started slot behind.
                var ex = e as UberspaceException ?? new UberspaceException("PublishFailed", FailureKind.InvalidOperation,
                    $"Publishing {spec.Name} to {shell.Where} failed in the {phase} phase: {e.Message}", spec.Name, e);
                if (result.Status != PublishOutcome.RolledBack) result.Status = PublishOutcome.Failed;
                result.FailedPhase = phase;
                result.Error = ex;
                // A slot the backend may point at is never stopped: a site served by two slots beats one served by none.
                if (ex.ErrorId != "PublishLocked") Abandon(shell, plan, root, phase, slotStarted && !slotMayServe ? slotService : null);
            }
            catch (UberspaceException ex) when (ex.ErrorId == "ConnectionLost")
            {
                if (!plan.IsUndo && phase == "upload" && ex is ScriptInterruptedException cut) phase = StageReached(cut.Partial);
                string state;
                if (phase == "switch")
                    state = $"the backend switch to port {plan.SlotPort} was under way, so the backend points at one of the two slots, and both keep running: " +
                        "the site is served either way. Open a new session and publish again with -BreakLock: the next publish reads where the backend points and converges.";
                else if (phase == "cleanup")
                    state = $"the switch was confirmed: release {plan.ReleaseId} serves on port {plan.SlotPort}; whether it was recorded as current is not known. " +
                        "Open a new session and publish again with -BreakLock (Get-FlaskRelease shows what was recorded).";
                else
                    state = $"{LiveText(plan)}: the new release was staged off to the side, and the host stopped the cut-off command. " +
                        "Open a new session and publish again with -BreakLock.";
                throw HostErrors.ConnectionLost($"The SSH connection to {shell.Where} was lost in the {PhaseTitle(phase)} phase of release {plan.ReleaseId}. Host state: {state} " +
                    "The publish lock stays held by this client, which could not free it.", shell.Where, ex);
            }
            finally
            {
                shell.Log.ProgressDone("Publish " + spec.Name);
                result.Duration = total.Elapsed;
            }
            return result;
        }

        /// <summary>
        /// Takes the lock and builds the release on the host from one stream on the stage script's stdin: the manifest,
        /// the files to hard-link from the current release, the links to check, then the archive of everything new or
        /// changed. One remote command, whatever the number of files or their size.
        /// </summary>
        /// <returns>How long each part took: the host's own clock says how long the venv step, gate 1 and gate 2 took
        /// after the files were in place; the rest of the command's time is the upload.</returns>
        static (TimeSpan Upload, TimeSpan ImportGate, TimeSpan HealthGate) Stage(HostShell shell, PublishPlan plan, string root, PublishResult result)
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
            var args = new List<ScriptArgument>
            {
                ScriptArgument.Of(root), Holder(), plan.ReleaseId, plan.CurrentId ?? "", plan.BreakLock ? "break" : "",
                ScriptArgument.Of(manifest.Length), ScriptArgument.Of(keep.Length), ScriptArgument.Of(links.Length),
                ScriptArgument.Content(plan.Info.Render()), spec.Python, plan.VenvKey, ScriptArgument.Of(spec.SystemSitePackages), plan.Requirements ?? "",
                string.Join("\n", spec.SharedPaths),
                ScriptArgument.Content(HostScript.Embedded("releases.uf_wsgi.py")), ScriptArgument.Content(HostScript.Embedded("releases.uf_gate.py")),
                plan.Entry, spec.HealthPath, plan.SlotUwsgi,
            };
            args.AddRange(SlotArguments(plan));
            args.Add(CommandWords.Encode(spec.ReleaseCommand));
            args.Add(spec.ReleaseCommand == null ? ScriptArgument.Of("") : ScriptArgument.Content(HostScript.Embedded("releases.uf_run.py")));
            args.AddRange(spec.PipArguments.Select(ScriptArgument.Pip));
            var r = shell.RunScript("releases/stage", args, timeout + TimeSpan.FromSeconds(spec.HealthTimeoutSeconds), payload: payload);
            result.VenvReused = r.Output.Facts("venv").TryGetValue("reused", out var reused) && reused == "yes";
            result.FilesUploaded = plan.Upload.Count;
            result.FilesLinked = plan.Link.Count;
            result.FilesRemoved = plan.Removed.Count;
            result.BytesUploaded = plan.Upload.Sum(f => f.Size);
            ReadReleaseCommand(r, shell, result);
            switch (r.ExitStatus)
            {
                case 0:
                    var took = clock.Elapsed;
                    double? placed = Seconds(r.Output.Facts("timing"), "placed"), gated = Seconds(r.Output.Facts("timing"), "finished");
                    double? slotted = Seconds(r.Output.Facts("slot-timing"), "finished");
                    ReadSlot(r, plan, result, shell);
                    if (placed == null || gated == null || slotted == null || gated < placed || slotted < gated)
                        return (sentAt, took - sentAt, TimeSpan.Zero);
                    var upload = took - TimeSpan.FromSeconds(slotted.Value - placed.Value);
                    return (upload, TimeSpan.FromSeconds(gated.Value - placed.Value), TimeSpan.FromSeconds(slotted.Value - gated.Value));
                case ExitCodes.Slot:
                    throw r.Failure("SlotStartFailed", $"Starting {PublishLayout.SlotService(spec.Name, plan.Slot)}", shell.Where);
                case ExitCodes.ReleaseCommand:
                    throw ReleaseCommandFailed(r, plan, result, shell.Where);
                case ExitCodes.Locked: throw PublishLayout.Locked(plan.Spec.Name, shell.Where, PublishLock.ReadRefusal(r.Output.Text("lock")));
                case ExitCodes.Verify:
                    throw new UberspaceException("ReleaseVerifyFailed", FailureKind.InvalidData,
                        $"The staged files of release {plan.ReleaseId} on {shell.Where} do not match what was sent: {r.Output.Text("verify").Trim()}. Nothing that serves was touched; run again.", plan.ReleaseId);
                case ExitCodes.NoSpace:
                    string kib = r.Output.Facts("space").TryGetValue("kib", out var k) ? k : "?";
                    bool inVenv = r.Output.Text("space-phase").Trim() == "venv";
                    result.FailedPhase = inVenv ? "import-gate" : "upload";
                    throw new UberspaceException("HostDiskFull", FailureKind.ResourceUnavailable,
                        $"{shell.Where} ran out of disk space (or quota) while {(inVenv ? $"the venv of release {plan.ReleaseId} was built" : $"release {plan.ReleaseId} was unpacked")}: " +
                        $"{kib} KiB left where {root} is. Host state: {LiveText(plan)}; {(inVenv ? "the half-built venv and the release's files were" : "the staged files were")} removed " +
                        $"and the publish lock is freed. What to do: free space (Remove-FlaskRelease, old logs) and publish again" +
                        (inVenv ? "." : $": this release needs {result.BytesUploaded / 1024:N0} KiB more."), plan.ReleaseId);
                case ExitCodes.Upload:
                    throw new UberspaceException("ReleaseUploadFailed", FailureKind.InvalidData,
                        $"The files of release {plan.ReleaseId} did not arrive whole on {shell.Where}: {r.Output.Text("unpack").Trim()}. The live release is untouched; run again.", plan.ReleaseId);
                case ExitCodes.NoUwsgi:
                    throw HostErrors.UwsgiNotFound($"The venv of release {plan.ReleaseId} on {shell.Where} has no uWSGI at {plan.SlotUwsgi}, and there is none on PATH; nothing that serves was touched. Add uwsgi to the requirements or give -UwsgiPath.", plan.SlotUwsgi);
                case ExitCodes.Venv:
                    result.LogTail = Tail(r.Output.Text("venv-build"));
                    throw new UberspaceException("VenvBuildFailed", FailureKind.InvalidOperation,
                        $"Building the venv for release {plan.ReleaseId} on {shell.Where} failed; nothing that serves was touched:\n{result.LogTail}", plan.ReleaseId);
                case ExitCodes.Gate:
                    result.LogTail = Tail(r.Output.Text("gate"));
                    throw new UberspaceException("ImportGateFailed", FailureKind.InvalidOperation,
                        $"Release {plan.ReleaseId} of {spec.Name} failed its first gate on {shell.Where} (import the app and GET {spec.HealthPath} through a test client); " +
                        $"nothing that serves was touched:\n{result.LogTail}", plan.ReleaseId);
                default:
                    // Killed (the OOM killer, an admin): the sections it got to say how far it came. Any other failure
                    // (a folder that cannot be made, say) is the host's own words.
                    string reached = StageReached(r.Output);
                    result.FailedPhase = reached;
                    if (r.ExitStatus > 128 || r.ExitStatus < 0) throw Interrupted(plan, reached, Died(r.ExitStatus), shell.Where);
                    throw r.Failure("ReleaseStageFailed", $"Staging release {plan.ReleaseId} ({PhaseTitle(reached)} phase)", shell.Where);
            }
        }

        /// <summary>How far releases/stage.sh came, by the sections it wrote: the files, the venv and gate 1, the release
        /// command, or gate 2.</summary>
        public static string StageReached(ScriptOutput output) =>
            output.Has("timing") ? "health-gate" : output.Has("release-command") ? "release-command" : output.Has("venv") ? "import-gate" : "upload";

        /// <summary>The release command's output, when one ran: into the result, and line by line to the information stream.</summary>
        static void ReadReleaseCommand(ScriptResult r, HostShell shell, PublishResult result)
        {
            if (!r.Output.Has("release-command")) return;
            result.ReleaseCommandOutput = r.Output.Text("release-command").Replace("\r", "").TrimEnd('\n');
            foreach (var line in result.ReleaseCommandOutput.Split('\n'))
                if (line.Length > 0) shell.Log.Information(line);
        }

        static UberspaceException ReleaseCommandFailed(ScriptResult r, PublishPlan plan, PublishResult result, string where)
        {
            result.FailedPhase = "release-command";
            result.LogTail = Tail(result.ReleaseCommandOutput);
            string exit = r.Output.Facts("release-command-exit").TryGetValue("exit", out var e) ? e : "?";
            return new UberspaceException("ReleaseCommandFailed", FailureKind.InvalidOperation,
                $"The release command ({CommandWords.Display(plan.Spec.ReleaseCommand)}) of release {plan.ReleaseId} exited {exit} on {where}. " +
                $"Host state: nothing was switched; {LiveText(plan)}; release {plan.ReleaseId} is marked failed. What to do: fix the command or what it " +
                $"needs and publish again. Its output ended:\n{result.LogTail}", plan.ReleaseId);
        }

        /// <summary>The stage, venv, gate 1 or gate 2 as a phase name users read.</summary>
        public static string PhaseTitle(string phase)
        {
            switch (phase)
            {
                case "upload": return "upload";
                case "import-gate": return "venv and import gate (gate 1)";
                case "health-gate": return "health gate (gate 2)";
                case "release-command": return "release command";
                case "switch": return "backend switch";
                case "cleanup": return "recording and cleanup";
                default: return phase;
            }
        }

        /// <summary>What serves while a publish that failed before its switch is cleaned up.</summary>
        static string LiveText(PublishPlan plan) =>
            plan.CurrentId != null && plan.LivePort != null
                ? $"release {plan.CurrentId} keeps serving on port {plan.LivePort}, untouched"
                : "nothing was live before, and nothing was switched";

        /// <summary>A host command of the phases before the switch that ended without saying why (killed, most often).</summary>
        static UberspaceException Interrupted(PublishPlan plan, string phase, string how, string where) =>
            new UberspaceException("PublishInterrupted", FailureKind.InvalidOperation,
                $"Publishing release {plan.ReleaseId} of {plan.Spec.Name} to {where} was interrupted in the {PhaseTitle(phase)} phase: the host command was {how}" +
                (how.StartsWith("killed by signal 9", StringComparison.Ordinal) ? " (as the OOM killer does when the account runs out of memory)" : "") + ". " +
                $"Host state: {LiveText(plan)}; the module stops the new slot, marks release {plan.ReleaseId} failed and frees the publish lock (a warning follows if it cannot). " +
                "What to do: publish again; if it happens again, look at the account's memory and processes (`ps`, `free`) while it runs.", plan.ReleaseId);

        static void Lock(HostShell shell, string root, bool breakLock, PublishSpec spec)
        {
            var r = shell.RunScript("releases/lock", new[] { ScriptArgument.Of(root), Holder(), breakLock ? "break" : "" });
            if (r.ExitStatus == ExitCodes.Locked) throw PublishLayout.Locked(spec.Name, shell.Where, PublishLock.ReadRefusal(r.Output.Text("lock")));
            if (r.ExitStatus != 0) throw r.Failure("ReleaseLockFailed", "Taking the publish lock", shell.Where);
        }

        static double? Seconds(Dictionary<string, string> facts, string key) =>
            facts.TryGetValue(key, out var v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : (double?)null;

        /// <summary>Gate 2's twelve parameters (start_slot in lib.sh): the slot's files as planned and what to wait for.</summary>
        static IEnumerable<ScriptArgument> SlotArguments(PublishPlan plan)
        {
            var spec = plan.Spec;
            string Content(FileChange f) => f.Kind == ChangeKind.Unchanged ? "" : Convert.ToBase64String(new UTF8Encoding(false).GetBytes(f.Content));
            return new[]
            {
                ScriptArgument.Of(PublishLayout.SlotService(spec.Name, plan.Slot)), ScriptArgument.Of(plan.SlotPort), ScriptArgument.Of(spec.HealthTimeoutSeconds),
                ScriptArgument.Of(plan.SlotIni.Path), ScriptArgument.Base64(Content(plan.SlotIni), plan.SlotIni.Content.Length), plan.SlotIni.BackupPath ?? "",
                ScriptArgument.Of(plan.SlotService.Path), ScriptArgument.Base64(Content(plan.SlotService), plan.SlotService.Content.Length), plan.SlotService.BackupPath ?? "",
                plan.SlotService.Kind == ChangeKind.Unchanged ? "restart" : "update",
                ScriptArgument.Of(plan.HealthUrlPath), ScriptArgument.Of(PublishLayout.SlotPidFile(plan.Root, plan.Slot)),
            };
        }

        /// <summary>Gate 2 alone (an undo: its release and venv are there already).</summary>
        static void StartSlot(HostShell shell, PublishPlan plan, PublishResult result)
        {
            var spec = plan.Spec;
            var args = SlotArguments(plan).ToList();
            if (spec.ReleaseCommand != null)
                args.AddRange(new[]
                {
                    CommandWords.Encode(spec.ReleaseCommand), ScriptArgument.Of(plan.Root), plan.ReleaseId, plan.VenvKey, plan.Entry,
                    ScriptArgument.Content(HostScript.Embedded("releases.uf_run.py")),
                });
            // A release command has no time limit of its own beyond the one a publish gives it.
            var r = shell.RunScript("releases/slot", args, TimeSpan.FromSeconds(spec.HealthTimeoutSeconds + 60) + (spec.ReleaseCommand != null ? TimeSpan.FromMinutes(20) : TimeSpan.Zero));
            ReadReleaseCommand(r, shell, result);
            if (r.ExitStatus == ExitCodes.ReleaseCommand) throw ReleaseCommandFailed(r, plan, result, shell.Where);
            if (r.ExitStatus != 0) throw r.Failure("SlotStartFailed", $"Starting {PublishLayout.SlotService(plan.Spec.Name, plan.Slot)}", shell.Where);
            ReadSlot(r, plan, result, shell);
        }

        /// <summary>What gate 2 saw: ready and answered by the slot's own uWSGI, or why not.</summary>
        static void ReadSlot(ScriptResult r, PublishPlan plan, PublishResult result, HostShell shell)
        {
            var spec = plan.Spec;
            string service = PublishLayout.SlotService(spec.Name, plan.Slot);
            foreach (var f in new[] { plan.SlotIni, plan.SlotService })
                if (f.BackupPath != null) shell.Log.Warning($"{shell.Where}: the old {f.Path} was kept as {f.BackupPath}.");
            var wait = ReadyWait.Parse(r.Output, service);
            if (wait.Ready)
            {
                CheckPortHolder(r.Output, plan, service, shell.Where);
                return;
            }
            // A port another process holds fails uWSGI's bind: name that process rather than the failed start.
            if (Web.Listeners.OnPort(Web.Listeners.Parse(r.Output.Text("listeners")), plan.SlotPort).Count > 0)
                CheckPortHolder(r.Output, plan, service, shell.Where);
            result.LogTail = Tail(wait.LogTail);
            string why = wait.Result == "gave-up"
                ? $"supervisord gave up on {service} ({wait.StatusText})"
                : $"{plan.HealthUrlPath} on port {plan.SlotPort} did not answer 2xx or 3xx within {spec.HealthTimeoutSeconds} s (last answer: {(wait.Code == "000" ? "none" : wait.Code)})";
            throw new UberspaceException("HealthGateFailed", FailureKind.InvalidOperation,
                $"Release {plan.ReleaseId} of {spec.Name} failed its health gate on {shell.Where}: {why}. The live release keeps serving.\n{result.LogTail}", plan.ReleaseId);
        }

        /// <summary>
        /// The answer must come from the slot's own uWSGI: when `ss` shows the port's listeners, one of them is the
        /// master whose pid the slot's pidfile holds (another account's process shows no pid at all).
        /// </summary>
        static void CheckPortHolder(ScriptOutput output, PublishPlan plan, string service, string where)
        {
            var listeners = Web.Listeners.OnPort(Web.Listeners.Parse(output.Text("listeners")), plan.SlotPort);
            if (output.Text("listeners").Trim().Length == 0) return; // no ss on this host: nothing to check with
            int.TryParse(output.Facts("master").TryGetValue("pid", out var p) ? p : "", out int master);
            if (master > 0 && listeners.Any(l => l.Pids.Contains(master))) return;
            throw new UberspaceException("SlotPortInUse", FailureKind.ResourceUnavailable,
                $"Port {plan.SlotPort} on {where} is held by another process, not by {service}'s uWSGI: " +
                $"{(listeners.Count > 0 ? listeners[0].Line : "no listener")}. Stop that process or publish with other ports (-Port, -AlternatePort).", plan.SlotPort);
        }

        /// <summary>
        /// Points the backend at the new slot and confirms it (list and frontend). When that fails in any way, the cut-off
        /// switch included, the backend is set back to the old slot explicitly and read again; only when it points there
        /// is the new slot clear to stop (slotMayServe false). Otherwise both keep running and the error says so.
        /// </summary>
        static void Switch(HostShell shell, PublishPlan plan, PublishResult result, ref bool slotMayServe)
        {
            var spec = plan.Spec;
            var url = plan.FrontendHealth;
            var r = shell.RunScript("releases/switch", new[] { ScriptArgument.Of(spec.Target), ScriptArgument.Of(plan.SlotPort), ScriptArgument.Of(url.Argument) }, TimeSpan.FromSeconds(90));
            string problem = null;
            if (r.ExitStatus != 0)
                problem = $"the switch was cut off ({Died(r.ExitStatus)}) after '{plan.BackendCommand}', so whether the backend moved is not known";
            else if (r.Output.Exit("backends-exit") == 127)
                problem = "the 'uberspace' command was not found (is this an Uberspace 7 host?)";
            else if (r.Output.Exit("change-exit") != 0)
                problem = $"'{plan.BackendCommand}' failed: {r.Output.Text("change").Trim()}";
            else
            {
                string code = r.Output.Facts("frontend").TryGetValue("code", out var c) ? c : "000";
                if (!WebBackendList.PointsAt(WebBackendList.Parse(r.Output.Text("backends")), spec.Domain, spec.WebPath, plan.SlotPort))
                    problem = $"'uberspace web backend list' does not show {spec.Target} on port {plan.SlotPort} after the switch";
                else if (!(code.StartsWith("2", StringComparison.Ordinal) || code.StartsWith("3", StringComparison.Ordinal)))
                    problem = $"{url} answered {(code == "000" ? "nothing" : code)} through the frontend after the switch";
            }
            if (problem == null) return;
            string newSlot = PublishLayout.SlotService(spec.Name, plan.Slot);
            if (plan.LivePort != null)
            {
                var back = shell.RunScript("releases/switch", new[] { ScriptArgument.Of(spec.Target), ScriptArgument.Of(plan.LivePort.Value), ScriptArgument.Of("") });
                bool restored = back.ExitStatus == 0 && back.Output.Exit("change-exit") == 0
                    && WebBackendList.PointsAt(WebBackendList.Parse(back.Output.Text("backends")), spec.Domain, spec.WebPath, plan.LivePort);
                if (restored)
                {
                    slotMayServe = false;
                    result.Status = PublishOutcome.RolledBack;
                    throw new UberspaceException("SwitchRolledBack", FailureKind.InvalidOperation,
                        $"After switching {spec.Name} to release {plan.ReleaseId} on {shell.Where}, {problem}. The backend was set back to port {plan.LivePort}, " +
                        $"where release {plan.CurrentId} serves as before, and {newSlot} was stopped. Fix the cause and publish again.", plan.ReleaseId);
                }
                throw new UberspaceException("SwitchBackFailed", FailureKind.InvalidOperation,
                    $"After switching {spec.Name} to release {plan.ReleaseId} on {shell.Where}, {problem}, and setting the backend back to port {plan.LivePort} " +
                    $"failed too ({(back.ExitStatus != 0 ? Died(back.ExitStatus) : back.Output.Text("change").Trim())}). Both slots were left running, so the site is served " +
                    $"whichever port the backend is on; check Get-WebBackend, then publish again: the next publish reads where the backend points.", plan.ReleaseId);
            }
            throw new UberspaceException("SwitchCheckFailed", FailureKind.InvalidOperation,
                $"After switching {spec.Name} to release {plan.ReleaseId} on {shell.Where}, {problem}. There was no earlier release to switch back to; " +
                $"{newSlot} was left running on port {plan.SlotPort}. Check Get-WebBackend and the page, then publish again.", plan.ReleaseId);
        }

        /// <summary>What an exit status says of how a host command ended (128+N: killed by signal N, as sh reports it).</summary>
        static string Died(int status) =>
            status > 128 && status < 160 ? $"killed by signal {status - 128}" : status < 0 ? "ended without an exit status (the connection's end of it was killed)" : $"exit {status}";

        static void Finish(HostShell shell, PublishPlan plan, string root, PublishResult result)
        {
            var spec = plan.Spec;
            string old = plan.OldSlotServiceIdle != null ? PublishLayout.SlotService(spec.Name, plan.LiveSlot) : "";
            var idle = plan.OldSlotServiceIdle;
            var r = shell.RunScript("releases/finish", new[]
            {
                ScriptArgument.Of(root), ScriptArgument.Content(plan.NewState.Render()), plan.ReleaseId, ScriptArgument.Content(plan.Info.With(ReleaseStatus.Good).Render()),
                old, ScriptArgument.Of(spec.GraceSeconds), string.Join("\n", plan.Prune), string.Join("\n", plan.PruneVenvs),
                idle?.Path ?? "", ScriptArgument.Content(idle?.Content ?? ""),
                ScriptArgument.Script(HostScript.Get("releases/cleanup")), idle?.BackupPath ?? "",
                PublishLock.ForCleanup(plan.ReleaseId, old, spec.GraceSeconds, DateTime.UtcNow),
            });
            if (r.ExitStatus != 0)
                throw new UberspaceException("ReleaseRecordFailed", FailureKind.InvalidOperation,
                    $"Release {plan.ReleaseId} of {spec.Name} is live on {shell.Where} (port {plan.SlotPort}; the switch was confirmed), but recording it failed " +
                    $"({Died(r.ExitStatus)}{(r.Raw.Stderr.Trim().Length > 0 ? ": " + Tail(r.Raw.Stderr) : "")}). Host state: the state file may still name release " +
                    $"{plan.CurrentId ?? "(none)"}{(old.Length > 0 ? $", and {old} keeps running beside it" : "")}. What to do: publish again; it reads where the backend points " +
                    "and records the release that serves.", plan.ReleaseId);
            if (old.Length > 0 || plan.Prune.Count > 0 || plan.PruneVenvs.Count > 0)
                shell.Log.Verbose($"[{shell.Where}] the cleanup runs on: {(old.Length > 0 ? $"{old} stops after {spec.GraceSeconds} s, then " : "")}old releases are pruned; it holds the publish lock until it is done (see {root}/cleanup.log).");
            result.Pruned.AddRange(plan.Prune);
        }

        /// <summary>After a failed publish: the started slot stopped and idle again, the release marked failed (once it
        /// was in place), staging dropped and the lock freed (releases/abandon.sh).</summary>
        static void Abandon(HostShell shell, PublishPlan plan, string root, string phase, string startedSlot)
        {
            try
            {
                string info = plan.IsUndo || phase == "upload" || phase == "cleanup" ? "" : plan.Info.With(ReleaseStatus.Failed, phase).Render();
                shell.RunScriptChecked("releases/abandon", "ReleaseUnlockFailed", "Freeing the publish lock", new[]
                {
                    ScriptArgument.Of(root), plan.IsUndo ? "" : plan.ReleaseId, startedSlot ?? "",
                    info.Length == 0 ? ScriptArgument.Of("") : ScriptArgument.Content(info),
                    startedSlot == null ? "" : plan.SlotService.Path,
                    startedSlot == null ? ScriptArgument.Of("") : ScriptArgument.Content(plan.SlotServiceIdle),
                });
            }
            catch (UberspaceException ex)
            {
                shell.Log.Warning($"{shell.Where}: cleaning up after the failed publish failed too ({ex.Message}); the lock may need -BreakLock.");
            }
        }

        static string Tail(string text)
        {
            var lines = (text ?? "").Replace("\r", "").TrimEnd().Split('\n');
            return string.Join("\n", lines.Skip(Math.Max(0, lines.Length - 30))).Trim();
        }
    }
}
