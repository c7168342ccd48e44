using System;
using System.Linq;
using UberspaceFlask.Core.Supervisor;

namespace UberspaceFlask.Core.Releases
{
    /// <summary>
    /// The words of every error a publish, undo or restart reports, in one table: what happened, the host's state and
    /// what to do. StageOutcome and Publisher choose which; the texts live here.
    /// </summary>
    public static class PublishErrors
    {
        /// <summary>The stage, venv, gate 1 or gate 2 as a phase name users read.</summary>
        public static string PhaseTitle(string phase)
        {
            switch (phase)
            {
                case PublishPhase.Upload: return "upload";
                case PublishPhase.ImportGate: return "venv and import gate (gate 1)";
                case PublishPhase.HealthGate: return "health gate (gate 2)";
                case PublishPhase.ReleaseCommand: return "release command";
                case PublishPhase.Switch: return "backend switch";
                case PublishPhase.Cleanup: return "recording and cleanup";
                default: return phase;
            }
        }

        /// <summary>What an exit status says of how a host command ended (128+N: killed by signal N, as sh reports it).</summary>
        public static string Died(int status) =>
            status > 128 && status < 160 ? $"killed by signal {status - 128}" : status < 0 ? "ended without an exit status (the connection's end of it was killed)" : $"exit {status}";

        /// <summary>What serves while a publish that failed before its switch is cleaned up.</summary>
        public static string LiveText(PublishPlan plan) =>
            plan.CurrentId != null && plan.LivePort != null
                ? $"release {plan.CurrentId} keeps serving on port {plan.LivePort}, untouched"
                : "nothing was live before, and nothing was switched";

        /// <summary>The last 30 lines of a log.</summary>
        public static string Tail(string text)
        {
            var lines = (text ?? "").Replace("\r", "").TrimEnd().Split('\n');
            return string.Join("\n", lines.Skip(Math.Max(0, lines.Length - 30))).Trim();
        }

        public static UberspaceException VerifyFailed(PublishPlan plan, string where, string said) =>
            new UberspaceException("ReleaseVerifyFailed", FailureKind.InvalidData,
                $"The staged files of release {plan.ReleaseId} on {where} do not match what was sent: {said}. Nothing that serves was touched; run again.", plan.ReleaseId);

        public static UberspaceException UploadFailed(PublishPlan plan, string where, string said) =>
            new UberspaceException("ReleaseUploadFailed", FailureKind.InvalidData,
                $"The files of release {plan.ReleaseId} did not arrive whole on {where}: {said}. The live release is untouched; run again.", plan.ReleaseId);

        public static UberspaceException DiskFull(PublishPlan plan, string where, string kibLeft, bool inVenv) =>
            new UberspaceException("HostDiskFull", FailureKind.ResourceUnavailable,
                $"{where} ran out of disk space (or quota) while {(inVenv ? $"the venv of release {plan.ReleaseId} was built" : $"release {plan.ReleaseId} was unpacked")}: " +
                $"{kibLeft} KiB left where {plan.Root} is. Host state: {LiveText(plan)}; {(inVenv ? "the half-built venv and the release's files were" : "the staged files were")} removed " +
                $"and the publish lock is freed. What to do: free space (Remove-FlaskRelease, old logs) and publish again" +
                (inVenv ? "." : $": this release needs {plan.Upload.Sum(f => f.Size) / 1024:N0} KiB more."), plan.ReleaseId);

        public static UberspaceException VenvBuildFailed(PublishPlan plan, string where, string tail) =>
            new UberspaceException("VenvBuildFailed", FailureKind.InvalidOperation,
                $"Building the venv for release {plan.ReleaseId} on {where} failed; nothing that serves was touched:\n{tail}", plan.ReleaseId);

        public static UberspaceException ImportGateFailed(PublishPlan plan, string where, string tail) =>
            new UberspaceException("ImportGateFailed", FailureKind.InvalidOperation,
                $"Release {plan.ReleaseId} of {plan.Spec.Name} failed its first gate on {where} (import the app and GET {plan.Spec.HealthPath} through a test client); " +
                $"nothing that serves was touched:\n{tail}", plan.ReleaseId);

        public static UberspaceException ReleaseCommandFailed(PublishPlan plan, string where, string exit, string tail) =>
            new UberspaceException("ReleaseCommandFailed", FailureKind.InvalidOperation,
                $"The release command ({CommandWords.Display(plan.Spec.ReleaseCommand)}) of release {plan.ReleaseId} exited {exit} on {where}. " +
                $"Host state: nothing was switched; {LiveText(plan)}; release {plan.ReleaseId} is marked failed. What to do: fix the command or what it " +
                $"needs and publish again. Its output ended:\n{tail}", plan.ReleaseId);

        public static UberspaceException HealthGateFailed(PublishPlan plan, string where, ReadyWait.Outcome wait, string tail)
        {
            string service = PublishLayout.SlotService(plan.Spec.Name, plan.Slot);
            string why = wait.Result == "gave-up"
                ? $"supervisord gave up on {service} ({wait.StatusText})"
                : $"{plan.HealthUrlPath} on port {plan.SlotPort} did not answer 2xx or 3xx within {plan.Spec.HealthTimeoutSeconds} s (last answer: {(wait.Code == "000" ? "none" : wait.Code)})";
            return new UberspaceException("HealthGateFailed", FailureKind.InvalidOperation,
                $"Release {plan.ReleaseId} of {plan.Spec.Name} failed its health gate on {where}: {why}. The live release keeps serving.\n{tail}", plan.ReleaseId);
        }

        /// <summary>A host command of the phases before the switch that ended without saying why (killed, most often).</summary>
        public static UberspaceException Interrupted(PublishPlan plan, string phase, string how, string where) =>
            new UberspaceException("PublishInterrupted", FailureKind.InvalidOperation,
                $"Publishing release {plan.ReleaseId} of {plan.Spec.Name} to {where} was interrupted in the {PhaseTitle(phase)} phase: the host command was {how}" +
                (how.StartsWith("killed by signal 9", StringComparison.Ordinal) ? " (as the OOM killer does when the account runs out of memory)" : "") + ". " +
                $"Host state: {LiveText(plan)}; the module stops the new slot, marks release {plan.ReleaseId} failed and frees the publish lock (a warning follows if it cannot). " +
                "What to do: publish again; if it happens again, look at the account's memory and processes (`ps`, `free`) while it runs.", plan.ReleaseId);

        /// <summary>Anything unexpected in a phase: this host fails, the others go on.</summary>
        public static UberspaceException Failed(PublishPlan plan, string where, string phase, Exception e) =>
            new UberspaceException("PublishFailed", FailureKind.InvalidOperation,
                $"Publishing {plan.Spec.Name} to {where} failed in the {phase} phase: {e.Message}", plan.Spec.Name, e);

        public static UberspaceException ConnectionLost(PublishPlan plan, string where, string phase, Exception inner)
        {
            string state;
            if (phase == PublishPhase.Switch)
                state = $"the backend switch to port {plan.SlotPort} was under way, so the backend points at one of the two slots, and both keep running: " +
                    "the site is served either way. Open a new session and publish again with -BreakLock: the next publish reads where the backend points and converges.";
            else if (phase == PublishPhase.Cleanup)
                state = $"the switch was confirmed: release {plan.ReleaseId} serves on port {plan.SlotPort}; whether it was recorded as current is not known. " +
                    "Open a new session and publish again with -BreakLock (Get-FlaskRelease shows what was recorded).";
            else
                state = $"{LiveText(plan)}: the new release was staged off to the side, and the host stopped the cut-off command. " +
                    "Open a new session and publish again with -BreakLock.";
            return HostErrors.ConnectionLost(
                $"The SSH connection to {where} was lost in the {PhaseTitle(phase)} phase of release {plan.ReleaseId}. Host state: {state} " +
                "The publish lock stays held by this client, which could not free it.", where, inner);
        }

        public static UberspaceException SwitchRolledBack(PublishPlan plan, string where, string problem) =>
            new UberspaceException("SwitchRolledBack", FailureKind.InvalidOperation,
                $"After switching {plan.Spec.Name} to release {plan.ReleaseId} on {where}, {problem}. The backend was set back to port {plan.LivePort}, " +
                $"where release {plan.CurrentId} serves as before, and {PublishLayout.SlotService(plan.Spec.Name, plan.Slot)} was stopped. Fix the cause and publish again.", plan.ReleaseId);

        public static UberspaceException SwitchBackFailed(PublishPlan plan, string where, string problem, string how) =>
            new UberspaceException("SwitchBackFailed", FailureKind.InvalidOperation,
                $"After switching {plan.Spec.Name} to release {plan.ReleaseId} on {where}, {problem}, and setting the backend back to port {plan.LivePort} " +
                $"failed too ({how}). Both slots were left running, so the site is served " +
                $"whichever port the backend is on; check Get-WebBackend, then publish again: the next publish reads where the backend points.", plan.ReleaseId);

        public static UberspaceException SwitchCheckFailed(PublishPlan plan, string where, string problem) =>
            new UberspaceException("SwitchCheckFailed", FailureKind.InvalidOperation,
                $"After switching {plan.Spec.Name} to release {plan.ReleaseId} on {where}, {problem}. There was no earlier release to switch back to; " +
                $"{PublishLayout.SlotService(plan.Spec.Name, plan.Slot)} was left running on port {plan.SlotPort}. Check Get-WebBackend and the page, then publish again.", plan.ReleaseId);

        public static UberspaceException RecordFailed(PublishPlan plan, string where, string how, string stderr, string oldService) =>
            new UberspaceException("ReleaseRecordFailed", FailureKind.InvalidOperation,
                $"Release {plan.ReleaseId} of {plan.Spec.Name} is live on {where} (port {plan.SlotPort}; the switch was confirmed), but recording it failed " +
                $"({how}{(stderr.Trim().Length > 0 ? ": " + Tail(stderr) : "")}). Host state: the state file may still name release " +
                $"{plan.CurrentId ?? "(none)"}{(oldService.Length > 0 ? $", and {oldService} keeps running beside it" : "")}. What to do: publish again; it reads where the backend points " +
                "and records the release that serves.", plan.ReleaseId);
    }
}
