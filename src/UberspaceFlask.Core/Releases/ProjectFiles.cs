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
    /// <summary>One file of the user's project, as it would be uploaded.</summary>
    public sealed class ProjectFile
    {
        public ProjectFile(string relativePath, string fullPath, string sha256, long size)
        {
            RelativePath = relativePath; FullPath = fullPath; Sha256 = sha256; Size = size;
        }
        /// <summary>Relative to the project, with '/' separators.</summary>
        public string RelativePath { get; }
        public string FullPath { get; }
        public string Sha256 { get; }
        public long Size { get; }
    }

    /// <summary>
    /// Reads a project folder on this machine into the list of files a release is made of: never .git, .env,
    /// __pycache__, *.pyc or a virtualenv, nothing a .gitignore (at any level) ignores, and no shared directory.
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
            Walk(root, "", new List<(string Base, IgnoreList Rules)>(), shared, files);
            if (files.Count == 0)
                throw new UberspaceException("ProjectEmpty", FailureKind.InvalidArgument, $"The project folder '{projectPath}' has no files to publish.", projectPath);
            return files.OrderBy(f => f.RelativePath, StringComparer.Ordinal).ToList();
        }

        static void Walk(DirectoryInfo dir, string rel, List<(string Base, IgnoreList Rules)> rules, HashSet<string> shared, List<ProjectFile> files)
        {
            var here = rules;
            var gitignore = Path.Combine(dir.FullName, ".gitignore");
            if (File.Exists(gitignore))
                here = new List<(string, IgnoreList)>(rules) { (rel, new IgnoreList(File.ReadAllLines(gitignore), MatchFlags.PATHNAME)) };

            foreach (var sub in dir.GetDirectories().OrderBy(d => d.Name, StringComparer.Ordinal))
            {
                string subRel = rel + sub.Name;
                if (NeverDirectories.Contains(sub.Name) || shared.Contains(subRel)) continue;
                // A virtualenv, whatever its name: it cannot be moved to another machine anyway.
                if (File.Exists(Path.Combine(sub.FullName, "pyvenv.cfg"))) continue;
                if ((sub.Attributes & FileAttributes.ReparsePoint) != 0) continue;
                if (Ignored(here, subRel, true)) continue;
                Walk(sub, subRel + "/", here, shared, files);
            }
            foreach (var file in dir.GetFiles().OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                string fileRel = rel + file.Name;
                if (file.Name == ".env" || file.Name.EndsWith(".pyc", StringComparison.Ordinal) || file.Name.EndsWith(".pyo", StringComparison.Ordinal)) continue;
                if (shared.Contains(fileRel) || Ignored(here, fileRel, false)) continue;
                CheckName(fileRel);
                files.Add(new ProjectFile(fileRel, file.FullName, Sha256File(file.FullName), file.Length));
            }
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
            // The manifest is sha256sum's format, one path per line; a line break or backslash would change its meaning.
            if (rel.Any(c => InputValidation.IsLineBreak(c) || c == '\\' || char.IsControl(c)))
                throw new UberspaceException("InvalidProjectFileName", FailureKind.InvalidData,
                    $"The project file '{InputValidation.Show(rel)}' has a line break, a backslash or a control character in its name; rename it or add it to .gitignore.", rel);
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
