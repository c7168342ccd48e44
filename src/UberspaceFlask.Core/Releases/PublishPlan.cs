using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using UberspaceFlask.Core.Host;
using UberspaceFlask.Core.Web;

namespace UberspaceFlask.Core.Releases
{
    /// <summary>The local side of a publish: the project's files, its entry and its requirements' bytes.</summary>
    public sealed class ProjectSnapshot
    {
        public ProjectSnapshot(List<ProjectFile> files, string entry, string requirements, byte[] requirementsBytes)
        {
            Files = files; Entry = entry; Requirements = requirements; RequirementsBytes = requirementsBytes ?? new byte[0];
        }
        public List<ProjectFile> Files { get; }
        public string Entry { get; }
        /// <summary>Relative path of the requirements file; null for none.</summary>
        public string Requirements { get; }
        public byte[] RequirementsBytes { get; }

        public static ProjectSnapshot Read(PublishSpec spec)
        {
            var files = ProjectFiles.Read(spec.ProjectPath, spec.SharedPaths);
            string entry = spec.Entry ?? EntryPoint.Detect(spec.ProjectPath, files);
            string requirements = spec.Requirements;
            if (requirements == null && files.Any(f => f.RelativePath == "requirements.txt")) requirements = "requirements.txt";
            byte[] bytes = null;
            if (requirements != null)
            {
                var file = files.FirstOrDefault(f => f.RelativePath == requirements);
                if (file == null)
                    throw new UberspaceException("RequirementsNotFound", FailureKind.ObjectNotFound,
                        $"The requirements file '{requirements}' is not among the project's files (is it missing or ignored?).", requirements);
                bytes = System.IO.File.ReadAllBytes(file.FullPath);
            }
            return new ProjectSnapshot(files, entry, requirements, bytes);
        }
    }

    public enum PublishOutcome { Deployed, Unchanged, Failed, RolledBack, Restored, Restarted }

    /// <summary>What a publish (or an undo) will do on one host: data, computed without a host. Only the planner
    /// (this assembly) sets it; what the cmdlets get is read-only.</summary>
    public sealed class PublishPlan
    {
        public PublishSpec Spec { get; internal set; }
        public PublishFacts Facts { get; internal set; }
        public bool Unchanged { get; internal set; }
        /// <summary>The stage carries the release's files, venv step and gate 1; false for an undo or restart, whose
        /// release and venv are on the host already: its stage is gate 2 alone.</summary>
        public bool StagesFiles { get; internal set; } = true;
        /// <summary>A failure marks the release failed (a new one); an undo's or restart's release stays good.</summary>
        public bool MarksFailure { get; internal set; } = true;
        /// <summary>What the result says once the switch is confirmed: Deployed, Restored (undo) or Restarted.</summary>
        public PublishOutcome LiveOutcome { get; internal set; } = PublishOutcome.Deployed;
        public string ReleaseId { get; internal set; }
        public ReleaseInfo Info { get; internal set; }
        /// <summary>The release serving now (null on the first publish).</summary>
        public string CurrentId { get; internal set; }
        public string Entry { get; internal set; }
        public string Manifest { get; internal set; }
        /// <summary>The release's symbolic links (<see cref="ReleaseManifest.RenderLinks"/>); they travel every time.</summary>
        public string Links { get; internal set; } = "";
        public string Requirements { get; internal set; }
        /// <summary>What travels in the archive: new and changed files, and every symbolic link.</summary>
        public List<ProjectFile> Upload { get; internal set; } = new List<ProjectFile>();
        /// <summary>Files the same as in the current release (content and executable bit): hard-linked on the host.</summary>
        public List<string> Link { get; internal set; } = new List<string>();
        public List<string> Removed { get; internal set; } = new List<string>();
        public int Added { get; internal set; }
        public string VenvKey { get; internal set; }
        public bool VenvReused { get; internal set; }
        public string Slot { get; internal set; }
        public int SlotPort { get; internal set; }
        /// <summary>Take over a lock a killed client left behind.</summary>
        public bool BreakLock { get; internal set; }
        /// <summary>The publish directory, absolute.</summary>
        public string Root { get; internal set; }
        /// <summary>The uWSGI the new slot runs, and its plugins.</summary>
        public string SlotUwsgi { get; internal set; }
        public IReadOnlyList<string> SlotPlugins { get; internal set; }
        /// <summary>The new slot's uwsgi ini and its service ini (autostart), as the plan renders them.</summary>
        public FileChange SlotIni { get; internal set; }
        public FileChange SlotService { get; internal set; }
        /// <summary>The new slot's service ini turned idle again (autostart=false), sealed: what a failed publish leaves.</summary>
        public string SlotServiceIdle { get; internal set; }
        /// <summary>Write the new slot's service ini even when the probe saw it as planned: a cleanup still running when
        /// the probe looked is about to turn that very ini idle (it stops the slot this plan starts).</summary>
        public bool RewriteSlotService { get; internal set; }
        /// <summary>The old live slot's service ini turned idle, written by the cleanup after the switch; null without one.</summary>
        public FileChange OldSlotServiceIdle { get; internal set; }
        /// <summary>The URL path gate 2 requests on the slot's own port, and the URL of the same path through the frontend.</summary>
        public string HealthUrlPath { get; internal set; }
        public FrontendRequest FrontendHealth { get; internal set; }
        public string FrontendHealthUrl => FrontendHealth?.Url;
        public string LiveSlot { get; internal set; }
        /// <summary>The backend points at the slot the state calls idle, and it runs: the live slot was read from the backend.</summary>
        public bool LiveFromBackend { get; internal set; }
        public int? LivePort { get; internal set; }
        public PublishState NewState { get; internal set; }
        public List<string> Prune { get; internal set; } = new List<string>();
        public List<string> PruneVenvs { get; internal set; } = new List<string>();
        public List<Change> Changes { get; } = new List<Change>();
        public string BackendCommand => $"uberspace web backend set {Spec.Target} --http --port {SlotPort.ToString(CultureInfo.InvariantCulture)}";
    }
}
