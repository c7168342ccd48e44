using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using UberspaceFlask.Core.Host;
using UberspaceFlask.Core.Supervisor;

namespace UberspaceFlask.Core.Releases
{
    /// <summary>The phases of a publish, as the result names them (FailedPhase, PhaseDurations).</summary>
    public static class PublishPhase
    {
        public const string Upload = "upload";
        public const string ImportGate = "import-gate";
        public const string ReleaseCommand = "release-command";
        public const string HealthGate = "health-gate";
        public const string Switch = "switch";
        public const string Cleanup = "cleanup";
    }

    /// <summary>
    /// What the stage command (releases/stage.sh: files, venv, gate 1, release command, gate 2) or the slot command of
    /// an undo (releases/slot.sh) said, read once from its exit status and sections: the phase it reached or failed in,
    /// the error, whether the new slot was started, the log tail and the host's timings. A pure function of the
    /// output, unit-tested on captured output; Publisher acts on it.
    /// </summary>
    public sealed class StageOutcome
    {
        /// <summary>The phase the command failed in, or the last one it finished.</summary>
        public string Phase { get; private set; }
        /// <summary>Null when every phase passed.</summary>
        public UberspaceException Error { get; private set; }
        /// <summary>The new slot was (or may have been) started: a failure must stop it again.</summary>
        public bool SlotStarted { get; private set; }
        /// <summary>The lock was another's: nothing of this publish is on the host to clean up.</summary>
        public bool LockRefused { get; private set; }
        public bool VenvReused { get; private set; }
        public string LogTail { get; private set; }
        /// <summary>What the release command printed; null when none ran.</summary>
        public string ReleaseCommandOutput { get; private set; }
        /// <summary>The host's clock, in seconds: files in place, gate 1 done, gate 2 done (null when not reported).</summary>
        public double? Placed { get; private set; }
        public double? Gated { get; private set; }
        public double? Slotted { get; private set; }

        /// <summary>How far releases/stage.sh came, by the sections it wrote.</summary>
        public static string Reached(ScriptOutput output) =>
            output.Has("timing") ? PublishPhase.HealthGate : output.Has("release-command") ? PublishPhase.ReleaseCommand
            : output.Has("venv") ? PublishPhase.ImportGate : PublishPhase.Upload;

        /// <summary>The stage command of a publish.</summary>
        public static StageOutcome ReadStage(ScriptResult r, PublishPlan plan, string where)
        {
            var o = Common(r);
            o.VenvReused = r.Output.Facts("venv").TryGetValue("reused", out var reused) && reused == "yes";
            o.Placed = Seconds(r.Output.Facts("timing"), "placed");
            o.Gated = Seconds(r.Output.Facts("timing"), "finished");
            o.Slotted = Seconds(r.Output.Facts("slot-timing"), "finished");
            var spec = plan.Spec;
            switch (r.ExitStatus)
            {
                case 0:
                    return o.Gate2(r.Output, plan, where);
                case ExitCodes.Slot:
                    return o.Fail(PublishPhase.HealthGate, r.Failure("SlotStartFailed", $"Starting {PublishLayout.SlotService(spec.Name, plan.Slot)}", where), slot: true);
                case ExitCodes.ReleaseCommand:
                    return o.ReleaseCommandFailed(r, plan, where);
                case ExitCodes.Locked:
                    o.LockRefused = true;
                    return o.Fail(PublishPhase.Upload, PublishLayout.Locked(spec.Name, where, PublishLock.ReadRefusal(r.Output.Text("lock"))));
                case ExitCodes.Verify:
                    return o.Fail(PublishPhase.Upload, PublishErrors.VerifyFailed(plan, where, r.Output.Text("verify").Trim()));
                case ExitCodes.NoSpace:
                    bool inVenv = r.Output.Text("space-phase").Trim() == "venv";
                    string kib = r.Output.Facts("space").TryGetValue("kib", out var k) ? k : "?";
                    return o.Fail(inVenv ? PublishPhase.ImportGate : PublishPhase.Upload, PublishErrors.DiskFull(plan, where, kib, inVenv));
                case ExitCodes.Upload:
                    return o.Fail(PublishPhase.Upload, PublishErrors.UploadFailed(plan, where, r.Output.Text("unpack").Trim()));
                case ExitCodes.NoUwsgi:
                    return o.Fail(PublishPhase.ImportGate, HostErrors.UwsgiNotFound(
                        $"The venv of release {plan.ReleaseId} on {where} has no uWSGI at {plan.SlotUwsgi}, and there is none on PATH; nothing that serves was touched. Add uwsgi to the requirements or give -UwsgiPath.", plan.SlotUwsgi));
                case ExitCodes.Venv:
                    o.LogTail = PublishErrors.Tail(r.Output.Text("venv-build"));
                    return o.Fail(PublishPhase.ImportGate, PublishErrors.VenvBuildFailed(plan, where, o.LogTail));
                case ExitCodes.Gate:
                    o.LogTail = PublishErrors.Tail(r.Output.Text("gate"));
                    return o.Fail(PublishPhase.ImportGate, PublishErrors.ImportGateFailed(plan, where, o.LogTail));
                default:
                    // Killed (the OOM killer, an admin): the sections it got to say how far it came. Any other failure
                    // (a folder that cannot be made, say) is the host's own words.
                    string reached = Reached(r.Output);
                    var error = r.ExitStatus > 128 || r.ExitStatus < 0
                        ? PublishErrors.Interrupted(plan, reached, PublishErrors.Died(r.ExitStatus), where)
                        : r.Failure("ReleaseStageFailed", $"Staging release {plan.ReleaseId} ({PublishErrors.PhaseTitle(reached)} phase)", where);
                    return o.Fail(reached, error, slot: reached == PublishPhase.HealthGate);
            }
        }

        /// <summary>The slot command of an undo or a restart: the release command when asked, then gate 2.</summary>
        public static StageOutcome ReadSlot(ScriptResult r, PublishPlan plan, string where)
        {
            var o = Common(r);
            if (r.ExitStatus == ExitCodes.ReleaseCommand) return o.ReleaseCommandFailed(r, plan, where);
            if (r.ExitStatus != 0)
                return o.Fail(PublishPhase.HealthGate, r.Failure("SlotStartFailed", $"Starting {PublishLayout.SlotService(plan.Spec.Name, plan.Slot)}", where), slot: true);
            return o.Gate2(r.Output, plan, where);
        }

        static StageOutcome Common(ScriptResult r)
        {
            var o = new StageOutcome { Phase = PublishPhase.HealthGate };
            if (r.Output.Has("release-command")) o.ReleaseCommandOutput = r.Output.Text("release-command").Replace("\r", "").TrimEnd('\n');
            return o;
        }

        StageOutcome Fail(string phase, UberspaceException error, bool slot = false)
        {
            Phase = phase;
            Error = error;
            SlotStarted = slot;
            return this;
        }

        StageOutcome ReleaseCommandFailed(ScriptResult r, PublishPlan plan, string where)
        {
            LogTail = PublishErrors.Tail(ReleaseCommandOutput);
            string exit = r.Output.Facts("release-command-exit").TryGetValue("exit", out var e) ? e : "?";
            return Fail(PublishPhase.ReleaseCommand, PublishErrors.ReleaseCommandFailed(plan, where, exit, LogTail));
        }

        /// <summary>What gate 2 saw: ready and answered by the slot's own uWSGI, or why not.</summary>
        StageOutcome Gate2(ScriptOutput output, PublishPlan plan, string where)
        {
            string service = PublishLayout.SlotService(plan.Spec.Name, plan.Slot);
            var wait = ReadyWait.Parse(output, service);
            var listeners = Web.Listeners.OnPort(Web.Listeners.Parse(output.Text("listeners")), plan.SlotPort);
            // A port another process holds fails uWSGI's bind: name that process rather than the failed start.
            if (wait.Ready || listeners.Count > 0)
            {
                var held = PortHeldByAnother(output, listeners, plan, service, where);
                if (held != null) return Fail(PublishPhase.HealthGate, held, slot: true);
            }
            if (wait.Ready) return this;
            LogTail = PublishErrors.Tail(wait.LogTail);
            return Fail(PublishPhase.HealthGate, PublishErrors.HealthGateFailed(plan, where, wait, LogTail), slot: true);
        }

        /// <summary>
        /// The answer must come from the slot's own uWSGI: when `ss` shows the port's listeners, one of them is the
        /// master whose pid the slot's pidfile holds (another account's process shows no pid at all).
        /// </summary>
        static UberspaceException PortHeldByAnother(ScriptOutput output, List<Web.Listener> listeners, PublishPlan plan, string service, string where)
        {
            if (output.Text("listeners").Trim().Length == 0) return null; // no ss on this host: nothing to check with
            int.TryParse(output.Facts("master").TryGetValue("pid", out var p) ? p : "", out int master);
            if (master > 0 && listeners.Any(l => l.Pids.Contains(master))) return null;
            return new UberspaceException("SlotPortInUse", FailureKind.ResourceUnavailable,
                $"Port {plan.SlotPort} on {where} is held by another process, not by {service}'s uWSGI: " +
                $"{(listeners.Count > 0 ? listeners[0].Line : "no listener")}. Stop that process or publish with other ports (-Port, -AlternatePort).", plan.SlotPort);
        }

        /// <summary>How long the upload, the venv and gate 1, and gate 2 took: the host's clock for the parts after the
        /// files were in place, the rest of the command's time (took) for the upload; sentAt when the host said nothing.</summary>
        public (TimeSpan Upload, TimeSpan ImportGate, TimeSpan HealthGate) Timings(TimeSpan took, TimeSpan sentAt)
        {
            if (Placed == null || Gated == null || Slotted == null || Gated < Placed || Slotted < Gated)
                return (sentAt, took - sentAt, TimeSpan.Zero);
            var upload = took - TimeSpan.FromSeconds(Slotted.Value - Placed.Value);
            return (upload, TimeSpan.FromSeconds(Gated.Value - Placed.Value), TimeSpan.FromSeconds(Slotted.Value - Gated.Value));
        }

        static double? Seconds(Dictionary<string, string> facts, string key) =>
            facts.TryGetValue(key, out var v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : (double?)null;
    }

    /// <summary>What releases/switch.sh said: whether the backend points at a slot and the frontend answers from it.</summary>
    public static class SwitchOutcome
    {
        /// <summary>Why the switch to the slot (its port and service) is not confirmed, in words for the error; null when it is.</summary>
        public static string Problem(ScriptResult r, PublishPlan plan, int port, string service)
        {
            var spec = plan.Spec;
            if (r.ExitStatus != 0)
                return $"the switch was cut off ({PublishErrors.Died(r.ExitStatus)}) after '{plan.BackendCommand}', so whether the backend moved is not known";
            if (r.Output.Exit("backends-exit") == 127)
                return "the 'uberspace' command was not found (is this an Uberspace 7 host?)";
            if (r.Output.Exit("change-exit") != 0)
                return $"'{plan.BackendCommand}' failed: {r.Output.Text("change").Trim()}";
            var (code, answered) = Answer(r);
            if (!ListShows(r, plan, port))
                return $"'uberspace web backend list' does not show {spec.Target} on port {port} after the switch";
            if (!Ok(code))
                return $"{plan.FrontendHealth} answered {(code == "000" ? "nothing" : code)} through the frontend after the switch";
            if (answered.Length > 0 && answered != service)
                return $"{plan.FrontendHealth} was answered by {answered} through the frontend, not by {service}";
            return null;
        }

        /// <summary>The frontend's last answer: its status ("000" for none) and the slot that gave it ('' when the answer
        /// named none: nothing answered, or a slot of an earlier version, which does not name itself).</summary>
        public static (string Code, string Slot) Answer(ScriptResult r)
        {
            var f = r.Output.Facts("frontend");
            return (f.TryGetValue("code", out var c) && c.Length > 0 ? c : "000", f.TryGetValue("slot", out var s) ? s.Trim() : "");
        }

        public static bool Ok(string code) => code.StartsWith("2", StringComparison.Ordinal) || code.StartsWith("3", StringComparison.Ordinal);

        /// <summary>Whether the command ran whole and `uberspace web backend list` shows the target on the port.</summary>
        public static bool ListShows(ScriptResult r, PublishPlan plan, int? port) =>
            r.ExitStatus == 0 && r.Output.Exit("change-exit") == 0
            && Web.WebBackendList.PointsAt(Web.WebBackendList.Parse(r.Output.Text("backends")), plan.Spec.Domain, plan.Spec.WebPath, port);
    }
}
