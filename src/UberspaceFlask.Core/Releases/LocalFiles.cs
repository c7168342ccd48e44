using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace UberspaceFlask.Core.Releases
{
    /// <summary>
    /// What the module reads of local files beyond netstandard2.0: a link's target (.NET 6+), a file's Unix mode
    /// (.NET 7+) and a real path (libc). Each is looked up once; where the runtime lacks it, the answer is null.
    /// </summary>
    public static class LocalFiles
    {
        static readonly PropertyInfo LinkTargetProperty = typeof(FileSystemInfo).GetProperty("LinkTarget");
        static readonly MethodInfo GetUnixFileMode = typeof(File).GetMethod("GetUnixFileMode", new[] { typeof(string) });
        const int UserExecute = 0x40; // S_IXUSR, and UnixFileMode.UserExecute

        /// <summary>Files here carry a Unix mode the module can read (Linux and macOS on .NET 7+).</summary>
        public static bool HasUnixModes { get; } = GetUnixFileMode != null && !RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>A symbolic link's target as written, or null (not a link, or no way to read it here).</summary>
        public static string LinkTarget(FileSystemInfo item) => LinkTargetProperty?.GetValue(item) as string;

        /// <summary>Whether the owner may execute the file; null where files have no Unix mode.</summary>
        public static bool? UserExecutable(string path)
        {
            if (!HasUnixModes) return null;
            try { return (Convert.ToInt32(GetUnixFileMode.Invoke(null, new object[] { path })) & UserExecute) != 0; }
            catch (TargetInvocationException) { return null; }
        }

        [DllImport("libc", EntryPoint = "realpath", SetLastError = true)]
        static extern IntPtr NativeRealPath(byte[] path, IntPtr resolved);

        [DllImport("libc", EntryPoint = "free")]
        static extern void NativeFree(IntPtr p);

        /// <summary>The path with every link resolved (realpath(3)); null where it does not exist or on Windows.</summary>
        public static string RealPath(string path)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return null;
            try
            {
                var bytes = Encoding.UTF8.GetBytes(path + "\0");
                IntPtr p = NativeRealPath(bytes, IntPtr.Zero);
                if (p == IntPtr.Zero) return null;
                try
                {
                    int n = 0;
                    while (Marshal.ReadByte(p, n) != 0) n++;
                    var buffer = new byte[n];
                    Marshal.Copy(p, buffer, 0, n);
                    return Encoding.UTF8.GetString(buffer);
                }
                finally { NativeFree(p); }
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException) { return null; }
        }
    }

    /// <summary>The modes git's index records for a checkout's files: where files carry no mode, the executable bit comes from there.</summary>
    public static class GitIndex
    {
        public const string ExecutableMode = "100755";
        public const string LinkMode = "120000";

        /// <summary>`git ls-files -s -z` in the folder: path (relative to it, '/' separators) to mode; null when it is no checkout or git is missing.</summary>
        public static IReadOnlyDictionary<string, string> Modes(string folder)
        {
            try
            {
                var psi = new ProcessStartInfo("git", "ls-files -s -z")
                {
                    WorkingDirectory = folder, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
                    StandardOutputEncoding = new UTF8Encoding(false),
                };
                using (var p = Process.Start(psi))
                {
                    var stderr = p.StandardError.ReadToEndAsync();
                    string output = p.StandardOutput.ReadToEnd();
                    p.WaitForExit();
                    return p.ExitCode == 0 ? ParseLsFiles(output) : null;
                }
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception || e is InvalidOperationException || e is IOException)
            {
                return null;
            }
        }

        /// <summary>Reads `git ls-files -s -z` output: "MODE SHA STAGE\tPATH\0" per entry.</summary>
        public static IReadOnlyDictionary<string, string> ParseLsFiles(string output)
        {
            var modes = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in (output ?? "").Split('\0'))
            {
                int tab = entry.IndexOf('\t');
                int space = entry.IndexOf(' ');
                if (tab < 0 || space < 0 || space > tab) continue;
                modes[entry.Substring(tab + 1)] = entry.Substring(0, space);
            }
            return modes;
        }
    }
}
