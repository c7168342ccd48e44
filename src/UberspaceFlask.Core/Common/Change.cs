using System.Collections.Generic;
using System.Linq;

namespace UberspaceFlask.Core
{
    public enum ChangeKind { Create, Update, Unchanged }

    /// <summary>
    /// One change a step would make, as every mutating cmdlet asks ShouldProcess about it: an action
    /// ("Create file", "Overwrite file", "Run") on a target (a path, or the command with its reason).
    /// </summary>
    public sealed class Change
    {
        public Change(string action, string target)
        {
            Action = action; Target = target;
        }
        public string Action { get; }
        public string Target { get; }
        public override string ToString() => Action + ": " + Target;

        public static Change Run(string command, string why = null) =>
            new Change("Run", why == null ? command : command + " (" + why + ")");
    }

    /// <summary>A generated file the plan compares with what is on the host.</summary>
    public sealed class FileChange
    {
        public FileChange(string path, string content, HostFile existing, bool force)
        {
            Path = path;
            Content = GeneratedFile.Seal(content, path);
            Existing = existing ?? HostFile.Missing;
            if (!Existing.Exists) Kind = ChangeKind.Create;
            else if (!Existing.IsLink && Existing.Text == Content) Kind = ChangeKind.Unchanged;
            else Kind = ChangeKind.Update;
            // A file this module wrote and nobody touched since may be replaced; anything else is the user's.
            HandEdited = Kind == ChangeKind.Update && (Existing.IsLink || !GeneratedFile.IsUntouched(Existing.Text));
            if (HandEdited && force) BackupPath = path + ".uf-backup";
        }

        public string Path { get; }
        /// <summary>The content to write, with the module's seal line.</summary>
        public string Content { get; }
        public HostFile Existing { get; }
        public ChangeKind Kind { get; }
        /// <summary>The file on the host is not what this module last wrote (or it is a symbolic link).</summary>
        public bool HandEdited { get; }
        /// <summary>Where the old content is kept before a forced overwrite; null when none is kept.</summary>
        public string BackupPath { get; }

        public Change ToChange()
        {
            string diff = LineDiff.Summary(Existing.Exists ? GeneratedFile.Body(Existing.Text) ?? "" : null, GeneratedFile.Body(Content));
            if (Kind == ChangeKind.Create) return new Change("Create file", $"{Path} ({diff})");
            string extra = Existing.IsLink ? ", replacing the symbolic link itself" : BackupPath != null ? ", keeping the old content as " + BackupPath : "";
            return new Change("Overwrite file", $"{Path} ({diff}{extra})");
        }

        /// <summary>The one error for a generated file someone edited since the module wrote it.</summary>
        public UberspaceException EditedByHand() =>
            new UberspaceException("ConfigEditedByHand", FailureKind.ResourceExists,
                $"{Path} was changed since UberspaceFlask wrote it" + (Existing.IsLink ? " (it is a symbolic link)" : "") +
                ", so it is left as it is. Move your change into a template (-TemplatePath), or use -Force to replace it; the old content is then kept as " +
                Path + ".uf-backup.", Path);

        public static IEnumerable<Change> Changes(IEnumerable<FileChange> files) =>
            files.Where(f => f.Kind != ChangeKind.Unchanged).Select(f => f.ToChange());
    }

    /// <summary>A file as a probe saw it: missing, or present with its text; and whether the path is a symbolic link.</summary>
    public sealed class HostFile
    {
        public static readonly HostFile Missing = new HostFile(false, false, null);
        public HostFile(bool exists, bool isLink, string text) { Exists = exists; IsLink = isLink; Text = text; }
        public bool Exists { get; }
        public bool IsLink { get; }
        public string Text { get; }
    }
}
