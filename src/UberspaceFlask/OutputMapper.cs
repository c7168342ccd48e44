using System;
using System.Linq;
using UberspaceFlask.Core.Apps;
using UberspaceFlask.Core.Diagnosis;
using UberspaceFlask.Core.Supervisor;
using UberspaceFlask.Core.Uwsgi;
using UberspaceFlask.Core.Web;

namespace UberspaceFlask
{
    /// <summary>Which log of a supervisord program.</summary>
    public enum SupervisorLogStream { Stdout, Stderr }

    /// <summary>
    /// Core results to the output classes users hold, in one place. The output types mirror core types because
    /// exported types must not name the core (it loads into the module's own load context after PowerShell scans them).
    /// </summary>
    static class OutputMapper
    {
        internal static FlaskApp App(FlaskAppSpec spec, FlaskAppPlan plan, string location, UberspaceSession session, bool changed) => new FlaskApp
        {
            Name = spec.Name,
            AppPath = plan.AppPath,
            EntryModule = spec.EntryModule,
            VenvPath = plan.VenvPath,
            Python = plan.Python,
            Message = spec.Message,
            Location = location,
            Session = session,
            Changed = changed,
        };

        internal static UwsgiConfig Uwsgi(UwsgiPlan plan, string location, UberspaceSession session, bool changed) => new UwsgiConfig
        {
            Name = plan.Name,
            AppPath = plan.AppPath,
            ConfigPath = plan.Ini.Path,
            Port = plan.Port,
            MountPath = plan.MountPath,
            UwsgiPath = plan.UwsgiPath,
            VenvPath = plan.VenvPath,
            Plugins = plan.Plugins.ToArray(),
            Location = location,
            Session = session,
            Changed = changed,
        };

        internal static SupervisorService Service(SupervisorPlan plan, SupervisorOutcome outcome, string location, UberspaceSession session) => new SupervisorService
        {
            Name = plan.Name,
            State = outcome.Status?.State ?? SupervisorState.Unknown,
            Pid = outcome.Status?.Pid,
            Uptime = outcome.Status?.Uptime,
            ConfigPath = plan.Ini.Path,
            AppPath = plan.AppPath,
            Port = plan.Port,
            MountPath = plan.MountPath,
            Location = location,
            Session = session,
            Changed = outcome.Changed,
            Restarted = outcome.Restarted,
            Ready = outcome.Changed || SupervisorState.IsUp(outcome.Status?.State),
            Reason = outcome.Reason,
            // This step changes no backend, so the lines the probe read are still what Set-WebBackend would read; their
            // status ("listening: PID ...") only while nothing was started or stopped.
            BackendList = Snapshot(plan.BackendList, statusCurrent: !outcome.Changed),
        };

        internal static FlaskDeploymentCheck Check(CheckResult r, string appPath, string location) => new FlaskDeploymentCheck
        {
            Check = r.Check,
            Status = r.Status.ToString(),
            Message = r.Message,
            Fix = r.Fix,
            Detail = r.Detail,
            AppPath = appPath,
            Location = location,
        };

        internal static SupervisorService Service(ServiceInfo i, string location, UberspaceSession session) => new SupervisorService
        {
            Name = i.Status.Name,
            State = i.Status.State,
            Pid = i.Status.Pid,
            Uptime = i.Status.Uptime,
            ConfigPath = i.ConfigPath,
            AppPath = i.AppPath,
            Location = location,
            Session = session,
        };

        internal static SupervisorService Service(LifecyclePlan plan, SupervisorProgramStatus s, string location, UberspaceSession session, bool changed) => new SupervisorService
        {
            Name = plan.Name,
            State = s?.State ?? SupervisorState.NotFound,
            Pid = s?.Pid,
            Uptime = s?.Uptime,
            ConfigPath = plan.ConfigPath,
            AppPath = plan.AppPath,
            Location = location,
            Session = session,
            Changed = changed,
            Ready = (plan.Action == LifecycleAction.Start || plan.Action == LifecycleAction.Restart) && SupervisorState.IsUp(s?.State),
        };

        internal static WebBackend Backend(WebBackendEntry e, string location, UberspaceSession session, bool changed, string appPath = null) => new WebBackend
        {
            Target = e.Target,
            Domain = e.Domain,
            Path = e.Path,
            Kind = e.Kind,
            Port = e.Port,
            RemovePrefix = e.RemovePrefix,
            IsDefault = e.IsDefault,
            Status = e.Status,
            StatusKind = e.StatusKind.ToString(),
            Pid = e.Pid,
            ProcessCommand = e.ProcessCommand,
            ListenAddress = e.ListenAddress,
            AppPath = appPath,
            Location = location,
            Session = session,
            Changed = changed,
        };

        internal static HandedOver Snapshot(string text, bool statusCurrent) =>
            text == null ? null : Handover.Of(new WebBackendListSnapshot(text, DateTime.UtcNow, statusCurrent));
    
        internal static FlaskPublishResult Publish(UberspaceFlask.Core.Releases.PublishResult r, UberspaceSession session) => new FlaskPublishResult
        {
            Name = r.Name,
            Location = r.Where,
            Status = r.Status.ToString(),
            ReleaseId = r.ReleaseId,
            PreviousReleaseId = r.PreviousReleaseId,
            FailedPhase = r.FailedPhase,
            VenvReused = r.VenvReused,
            LiveSlot = r.LiveSlot,
            LivePort = r.LivePort,
            FilesUploaded = r.FilesUploaded,
            FilesLinked = r.FilesLinked,
            FilesRemoved = r.FilesRemoved,
            BytesUploaded = r.BytesUploaded,
            Duration = r.Duration,
            PhaseSeconds = r.PhaseDurations.ToDictionary(p => p.Key, p => Math.Round(p.Value.TotalSeconds, 3)),
            LogTail = r.LogTail,
            PrunedReleases = r.Pruned.ToArray(),
            ReleaseCommandOutput = r.ReleaseCommandOutput,
            Message = r.Error?.Message,
            Session = session,
        };

        internal static FlaskRelease Release(string app, UberspaceFlask.Core.Releases.ReleaseInfo info, UberspaceFlask.Core.Releases.PublishState state,
            string location, UberspaceSession session) => new FlaskRelease
        {
            Name = app,
            ReleaseId = info.Id,
            Created = info.CreatedUtc,
            Status = info.Id == state.Current ? "current" : info.Id == state.Previous ? "previous"
                : info.Status == UberspaceFlask.Core.Releases.ReleaseStatus.Good ? "good" : "failed",
            FailedPhase = info.FailedPhase,
            Venv = info.Venv,
            SizeKiB = info.SizeKiB,
            Entry = info.Entry,
            Location = location,
            Session = session,
        };

        internal static FlaskSecret Secret(string app, UberspaceFlask.Core.Releases.SecretEntry e, string location) => new FlaskSecret
        {
            App = app, Name = e.Name, Fingerprint = "SHA256:" + e.Sha256, Location = location,
        };
}
}
