using System;

namespace UberspaceFlask.Core.Host
{
    /// <summary>Paths on the host are POSIX paths, whatever machine PowerShell runs on. Guards compare normalised paths.</summary>
    public static class HostPaths
    {
        /// <summary>'~', '~/x' and relative paths resolve against the home; absolute paths stay.</summary>
        public static string Resolve(string home, string path)
        {
            if (path == "~") return Normalize(home);
            if (path.StartsWith("~/", StringComparison.Ordinal)) return Combine(home, path.Substring(2));
            if (path.StartsWith("/", StringComparison.Ordinal)) return Normalize(path);
            return Combine(home, path);
        }

        public static string Combine(string a, string b) => Normalize(a.TrimEnd('/') + "/" + b.TrimStart('/'));

        /// <summary>No doubled or trailing slashes ("/" stays "/", "" becomes "/").</summary>
        public static string Normalize(string path)
        {
            if (string.IsNullOrEmpty(path)) return "/";
            while (path.Contains("//")) path = path.Replace("//", "/");
            return path.Length > 1 ? path.TrimEnd('/') : path;
        }

        public static string Parent(string path)
        {
            int i = Normalize(path).LastIndexOf('/');
            return i <= 0 ? "/" : path.Substring(0, i);
        }

        public static string FileName(string path) => path.Substring(path.TrimEnd('/').LastIndexOf('/') + 1);

        public static bool SamePath(string a, string b) => a != null && b != null && Normalize(a) == Normalize(b);

        /// <summary>The part of path strictly below home, or null when path is the home itself or outside it.</summary>
        public static string RelativeToHome(string home, string path)
        {
            string h = Normalize(home), p = Normalize(path);
            string prefix = h == "/" ? "/" : h + "/";
            return p != h && p.StartsWith(prefix, StringComparison.Ordinal) ? p.Substring(prefix.Length) : null;
        }

        /// <summary>A path as supervisord should see it: %(ENV_HOME)s/... when inside the home, so the ini survives a home move.</summary>
        public static string ForSupervisor(string home, string path)
        {
            string rel = RelativeToHome(home, path);
            return rel == null ? Normalize(path) : "%(ENV_HOME)s/" + rel;
        }

        /// <summary>The reverse of <see cref="ForSupervisor"/>: %(ENV_HOME)s expanded.</summary>
        public static string FromSupervisor(string home, string value) =>
            value == null ? null : Normalize(value.Replace("%(ENV_HOME)s", Normalize(home)));
    }
}
