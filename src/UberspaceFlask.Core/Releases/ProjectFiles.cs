using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MAB.DotIgnore;

namespace UberspaceFlask.Core.Releases
{
    /// <summary>One file of the user's project, as it would be uploaded: a regular file, or a symbolic link as a link.</summary>
    public sealed class ProjectFile
    {
        public ProjectFile(string relativePath, string fullPath, string sha256, long size, bool executable = false, string linkTarget = null)
        {
            RelativePath = relativePath; FullPath = fullPath; Sha256 = sha256; Size = size; Executable = executable; LinkTarget = linkTarget;
        }
        /// <summary>Relative to the project, with '/' separators.</summary>
        public string RelativePath { get; }
        public string FullPath { get; }
        /// <summary>The content's hash; null for a link.</summary>
        public string Sha256 { get; }
        /// <summary>Bytes of content; 0 for a link.</summary>
        public long Size { get; }
        /// <summary>Arrives with mode 0755 instead of 0644.</summary>
        public bool Executable { get; }
        /// <summary>For a symbolic link, its target as written (relative, with '/' separators); null for a regular file.</summary>
        public string LinkTarget { get; }
        public bool IsLink => LinkTarget != null;
    }

    /// <summary>
    /// Reads a project folder on this machine into the list of files a release is made of: never .git, .env,
    /// __pycache__, *.pyc or a virtualenv, nothing a .gitignore (at any level) ignores, and no shared directory.
    /// A symbolic link travels as a link, never as its target's bytes, and only when it stays inside the project.
    /// </summary>
    public static class ProjectFiles
    {
        static readonly HashSet<string> NeverDirectories = new HashSet<string>(StringComparer.Ordinal) { ".git", "__pycache__", ".hg", ".svn", ".tox", ".mypy_cache", ".pytest_cache" };

        public static List<ProjectFile> Read(string projectPath, IEnumerable<string> sharedPaths)
        {
            var root = new DirectoryInfo(projectPath);
            if (!root.Exists)
                throw new UberspaceException("ProjectNotFound", FailureKind.ObjectNotFound, $"The project folder '{projectPath}' does not exist.", projectPath);
            var shared = new HashSet<string>(sharedPaths ?? Enumerable.Empty<string>(), StringComparer.Ordinal);
            var files = new List<ProjectFile>();
            var walk = new WalkContext(root.FullName, shared, LocalFiles.HasUnixModes ? null : GitIndex.Modes(root.FullName));
            Walk(walk, root, "", new List<(string Base, IgnoreList Rules)>(), files);
            if (files.Count == 0)
                throw new UberspaceException("ProjectEmpty", FailureKind.InvalidArgument, $"The project folder '{projectPath}' has no files to publish.", projectPath);
            return files.OrderBy(f => f.RelativePath, StringComparer.Ordinal).ToList();
        }

        sealed class WalkContext
        {
            public WalkContext(string root, HashSet<string> shared, IReadOnlyDictionary<string, string> gitModes)
            {
                Root = root; Shared = shared; GitModes = gitModes; RealRoot = LocalFiles.RealPath(root) ?? root;
            }
            public string Root { get; }
            public string RealRoot { get; }
            public HashSet<string> Shared { get; }
            /// <summary>Where files carry no mode (Windows): the modes git's index records, or null.</summary>
            public IReadOnlyDictionary<string, string> GitModes { get; }
        }

        static void Walk(WalkContext ctx, DirectoryInfo dir, string rel, List<(string Base, IgnoreList Rules)> rules, List<ProjectFile> files)
        {
            var here = rules;
            var gitignore = Path.Combine(dir.FullName, ".gitignore");
            if (File.Exists(gitignore))
                here = new List<(string, IgnoreList)>(rules) { (rel, new IgnoreList(File.ReadAllLines(gitignore), MatchFlags.PATHNAME)) };

            foreach (var sub in dir.GetDirectories().OrderBy(d => d.Name, StringComparer.Ordinal))
            {
                string subRel = rel + sub.Name;
                if (NeverDirectories.Contains(sub.Name) || ctx.Shared.Contains(subRel)) continue;
                if ((sub.Attributes & FileAttributes.ReparsePoint) != 0)
                {
                    // git keeps a link as a link, whatever it points at: ignore rules see it as a file.
                    if (!Ignored(here, subRel, false)) files.Add(Link(ctx, sub, subRel));
                    continue;
                }
                // A virtualenv, whatever its name: it cannot be moved to another machine anyway.
                if (File.Exists(Path.Combine(sub.FullName, "pyvenv.cfg"))) continue;
                if (Ignored(here, subRel, true)) continue;
                Walk(ctx, sub, subRel + "/", here, files);
            }
            foreach (var file in dir.GetFiles().OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                string fileRel = rel + file.Name;
                if (file.Name == ".env" || file.Name.EndsWith(".pyc", StringComparison.Ordinal) || file.Name.EndsWith(".pyo", StringComparison.Ordinal)) continue;
                if (ctx.Shared.Contains(fileRel) || Ignored(here, fileRel, false)) continue;
                CheckName(fileRel);
                if ((file.Attributes & FileAttributes.ReparsePoint) != 0) { files.Add(Link(ctx, file, fileRel)); continue; }
                string gitMode = null;
                ctx.GitModes?.TryGetValue(fileRel, out gitMode);
                if (gitMode == GitIndex.LinkMode)
                {
                    // A checkout without symbolic links (Windows, core.symlinks=false) holds the target as the file's text.
                    files.Add(CheckedLink(ctx, fileRel, file.FullName, File.ReadAllText(file.FullName)));
                    continue;
                }
                bool executable = IsExecutable(LocalFiles.UserExecutable(file.FullName), gitMode);
                files.Add(new ProjectFile(fileRel, file.FullName, Sha256File(file.FullName), file.Length, executable));
            }
        }

        /// <summary>The executable bit: the file's own mode where files have one, else what git's index records (100755).</summary>
        public static bool IsExecutable(bool? userExecuteBit, string gitMode) => userExecuteBit ?? gitMode == GitIndex.ExecutableMode;

        static ProjectFile Link(WalkContext ctx, FileSystemInfo item, string rel)
        {
            CheckName(rel);
            string target = LocalFiles.LinkTarget(item);
            if (target == null)
                throw new UberspaceException("ProjectLinkUnsupported", FailureKind.InvalidData,
                    $"'{InputValidation.Show(rel)}' in the project is a link this PowerShell cannot read (a junction, or Windows PowerShell 5.1); replace it with the files or add it to .gitignore.", rel);
            return CheckedLink(ctx, rel, item.FullName, target);
        }

        static ProjectFile CheckedLink(WalkContext ctx, string rel, string fullPath, string target)
        {
            string inside = LinkInside(rel, target);
            if (inside == null || !PhysicallyInside(ctx, fullPath, target.Replace('\\', '/')))
                throw new UberspaceException("ProjectLinkOutside", FailureKind.InvalidData,
                    $"'{InputValidation.Show(rel)}' in the project is a symbolic link to '{InputValidation.Show(target)}', which is " +
                    (IsAbsolute(target) ? "an absolute path" : "outside the project") +
                    ". Nothing was published: only links that stay inside the project travel (as links). Make it a relative link inside the project, copy the file in, or add it to .gitignore.", rel);
            return new ProjectFile(rel, fullPath, null, 0, false, target.Replace('\\', '/'));
        }

        static bool IsAbsolute(string target) =>
            target.StartsWith("/", StringComparison.Ordinal) || target.StartsWith("\\", StringComparison.Ordinal) || (target.Length >= 2 && target[1] == ':');

        /// <summary>
        /// Where a link's target lands, relative to the project root, by the text alone ("static/dist" for a link
        /// static/dist -> ../frontend/dist is "frontend/dist"); null when the target is absolute or climbs out of the project.
        /// </summary>
        public static string LinkInside(string linkRelativePath, string target)
        {
            if (string.IsNullOrEmpty(target) || IsAbsolute(target) || target.Any(InputValidation.IsLineBreak)) return null;
            var parts = new List<string>(linkRelativePath.Split('/'));
            parts.RemoveAt(parts.Count - 1);
            foreach (var part in target.Replace('\\', '/').Split('/'))
            {
                if (part.Length == 0 || part == ".") continue;
                if (part == "..")
                {
                    if (parts.Count == 0) return null;
                    parts.RemoveAt(parts.Count - 1);
                }
                else parts.Add(part);
            }
            return string.Join("/", parts);
        }

        /// <summary>
        /// Links through links: the target is followed from the link's real folder one part at a time, each part that
        /// exists resolved to its real path, so a link that climbs out through another link is caught even when its
        /// final target does not exist. Without realpath here (Windows), the text check alone stands.
        /// </summary>
        static bool PhysicallyInside(WalkContext ctx, string fullPath, string target)
        {
            string current = LocalFiles.RealPath(Path.GetDirectoryName(fullPath));
            if (current == null) return true;
            foreach (var part in target.Split('/'))
            {
                if (part.Length == 0 || part == ".") continue;
                if (part == "..") current = Path.GetDirectoryName(current) ?? "/";
                else
                {
                    current = current.TrimEnd('/') + "/" + part;
                    current = LocalFiles.RealPath(current) ?? current;
                }
            }
            string root = ctx.RealRoot.TrimEnd('/');
            return current == root || current.StartsWith(root + "/", StringComparison.Ordinal);
        }

        static bool Ignored(List<(string Base, IgnoreList Rules)> rules, string rel, bool isDirectory)
        {
            // Each .gitignore speaks about paths below its own folder; a later (deeper) one decides last, as in git.
            bool ignored = false;
            foreach (var (b, list) in rules)
            {
                if (!rel.StartsWith(b, StringComparison.Ordinal)) continue;
                if (list.IsIgnored(rel.Substring(b.Length), isDirectory)) ignored = true;
            }
            return ignored;
        }

        static void CheckName(string rel)
        {
            // Every list the module keeps of a release's files has a path per line: a name with a line break is the one
            // name it cannot carry. Anything else git can store travels byte for byte.
            if (rel.Any(InputValidation.IsLineBreak))
                throw new UberspaceException("InvalidProjectFileName", FailureKind.InvalidData,
                    $"The project file '{InputValidation.Show(rel)}' has a line break in its name; rename it or add it to .gitignore. Nothing was published.", rel);
        }

        public static string Sha256File(string path)
        {
            using (var sha = SHA256.Create())
            using (var s = File.OpenRead(path))
                return Hex(sha.ComputeHash(s));
        }

        public static string Sha256(string text) => Sha256(new UTF8Encoding(false).GetBytes(text));

        public static string Sha256(byte[] bytes)
        {
            using (var sha = SHA256.Create()) return Hex(sha.ComputeHash(bytes));
        }

        static string Hex(byte[] hash) => BitConverter.ToString(hash).Replace("-", "").ToLowerInvariant();
    }

    /// <summary>Finds the WSGI entry as the `flask` command does when -Entry is not given.</summary>
    public static class EntryPoint
    {
        static readonly Regex EntryRx = new Regex(@"\A[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(:[A-Za-z_][A-Za-z0-9_]*(\(\))?)?\z", RegexOptions.CultureInvariant);

        public static string Validate(string entry)
        {
            if (entry == null || !EntryRx.IsMatch(entry))
                throw new UberspaceException("InvalidEntry", FailureKind.InvalidArgument,
                    $"The entry '{InputValidation.Show(entry)}' is not valid. Use module:attribute or module:factory(), for example 'app:app' or 'shop:create_app()'.", entry);
            return entry.Contains(":") ? entry : entry + ":app";
        }

        /// <summary>wsgi.py or app.py with app or application (or a factory); else a package whose __init__.py has create_app() or make_app().</summary>
        public static string Detect(string projectPath, IEnumerable<ProjectFile> files)
        {
            var set = new HashSet<string>(files.Select(f => f.RelativePath), StringComparer.Ordinal);
            foreach (var module in new[] { "wsgi", "app" })
            {
                if (!set.Contains(module + ".py")) continue;
                string found = InModule(File.ReadAllText(Path.Combine(projectPath, module + ".py")), module);
                if (found != null) return found;
            }
            foreach (var init in set.Where(p => Regex.IsMatch(p, @"\A[A-Za-z_][A-Za-z0-9_]*/__init__\.py\z")).OrderBy(p => p, StringComparer.Ordinal))
            {
                string package = init.Substring(0, init.IndexOf('/'));
                string found = InModule(File.ReadAllText(Path.Combine(projectPath, package, "__init__.py")), package);
                if (found != null) return found;
            }
            throw new UberspaceException("EntryNotFound", FailureKind.ObjectNotFound,
                $"No Flask app was found in '{projectPath}': no wsgi.py or app.py with 'app' or 'application', and no package with create_app() or make_app(). Give -Entry (for example 'shop:create_app()').", projectPath);
        }

        static string InModule(string text, string module)
        {
            foreach (var name in new[] { "app", "application" })
                if (Regex.IsMatch(text, @"^" + name + @"\s*(:[^=\n]*)?=", RegexOptions.Multiline)) return module + ":" + name;
            foreach (var factory in new[] { "create_app", "make_app" })
                if (Regex.IsMatch(text, @"^def\s+" + factory + @"\s*\(", RegexOptions.Multiline)) return module + ":" + factory + "()";
            return null;
        }
    }
}
