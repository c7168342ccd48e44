using System;

namespace UberspaceFlask.Core
{
    /// <summary>Paths on the host are POSIX paths, whatever machine PowerShell runs on.</summary>
    public static class HostPaths
    {
        /// <summary>'~', '~/x' and relative paths resolve against the home; absolute paths stay.</summary>
        public static string Resolve(string home, string path)
        {
            if (path == "~") return home;
            if (path.StartsWith("~/", StringComparison.Ordinal)) return Combine(home, path.Substring(2));
            if (path.StartsWith("/", StringComparison.Ordinal)) return Normalize(path);
            return Combine(home, path);
        }

        public static string Combine(string a, string b) => Normalize(a.TrimEnd('/') + "/" + b.TrimStart('/'));

        public static string Normalize(string path)
        {
            while (path.Contains("//")) path = path.Replace("//", "/");
            return path.Length > 1 ? path.TrimEnd('/') : path;
        }

        public static string Parent(string path)
        {
            int i = path.TrimEnd('/').LastIndexOf('/');
            return i <= 0 ? "/" : path.Substring(0, i);
        }

        public static string FileName(string path) => path.Substring(path.TrimEnd('/').LastIndexOf('/') + 1);

        /// <summary>The part of path below home, or null when it is not inside home.</summary>
        public static string RelativeToHome(string home, string path)
        {
            string h = home.TrimEnd('/') + "/";
            return path.StartsWith(h, StringComparison.Ordinal) ? path.Substring(h.Length) : null;
        }

        /// <summary>A path as supervisord should see it: %(ENV_HOME)s/... when inside the home, so the ini survives a home move.</summary>
        public static string ForSupervisor(string home, string path)
        {
            string rel = RelativeToHome(home, path);
            return rel == null ? path : "%(ENV_HOME)s/" + rel;
        }
    }

    /// <summary>How the core reports what it does. The cmdlet implements it; calls come on the caller's thread.</summary>
    public interface IOperationLog
    {
        void Verbose(string message);
        void Warning(string message);
        /// <summary>percent: 0-100, or -1 when unknown.</summary>
        void Progress(string activity, string status, int percent);
        void ProgressDone(string activity);
    }

    public sealed class NullOperationLog : IOperationLog
    {
        public static readonly NullOperationLog Instance = new NullOperationLog();
        public void Verbose(string message) { }
        public void Warning(string message) { }
        public void Progress(string activity, string status, int percent) { }
        public void ProgressDone(string activity) { }
    }
}
