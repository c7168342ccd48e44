using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using UberspaceFlask.Core.Host;

namespace UberspaceFlask.Core.Releases
{
    /// <summary>
    /// The one owner of a release's manifest, meta/ID.manifest: sha256sum's own format, one regular file per line,
    /// sorted, so the host checks a staged release with `sha256sum -c` and the next publish diffs against it.
    /// The text/binary flag carries the executable bit ("HASH *PATH" for mode 0755; `sha256sum -c` reads both the
    /// same), and a name with a backslash is written as GNU sha256sum writes it: a leading '\' and the backslash doubled.
    /// Symbolic links are not in it (`sha256sum -c` cannot check one): they travel every time, listed by <see cref="RenderLinks"/>.
    /// </summary>
    public static class ReleaseManifest
    {
        public static string Render(IEnumerable<ProjectFile> files) =>
            string.Concat(files.Where(f => !f.IsLink).OrderBy(f => f.RelativePath, StringComparer.Ordinal).Select(Line));

        static string Line(ProjectFile f)
        {
            string flag = f.Executable ? " *" : "  ";
            return f.RelativePath.IndexOf('\\') < 0
                ? f.Sha256 + flag + f.RelativePath + "\n"
                : "\\" + f.Sha256 + flag + f.RelativePath.Replace("\\", "\\\\") + "\n";
        }

        /// <summary>The links, as the host checks them after unpacking: the link's path on one line, its target on the next.</summary>
        public static string RenderLinks(IEnumerable<ProjectFile> files) =>
            string.Concat(files.Where(f => f.IsLink).OrderBy(f => f.RelativePath, StringComparer.Ordinal).Select(f => f.RelativePath + "\n" + f.LinkTarget + "\n"));

        /// <summary>What makes a file the same as one in the manifest: its hash and its executable bit.</summary>
        public static string Identity(ProjectFile f) => f.Sha256 + (f.Executable ? "*" : " ");

        /// <summary>Path to identity (<see cref="Identity"/>); lines that are not the module's format are skipped.</summary>
        public static Dictionary<string, string> Read(string text)
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var raw in (text ?? "").Split('\n'))
            {
                bool escaped = raw.StartsWith("\\", StringComparison.Ordinal);
                string line = escaped ? raw.Substring(1) : raw;
                if (line.Length < 67 || line[64] != ' ' || (line[65] != ' ' && line[65] != '*')) continue;
                string path = line.Substring(66);
                if (escaped) path = Unescape(path);
                map[path] = line.Substring(0, 64) + (line[65] == '*' ? "*" : " ");
            }
            return map;
        }

        static string Unescape(string s)
        {
            var sb = new StringBuilder(s.Length);
            for (int i = 0; i < s.Length; i++)
            {
                if (s[i] == '\\' && i + 1 < s.Length)
                {
                    i++;
                    sb.Append(s[i] == 'n' ? '\n' : s[i] == 'r' ? '\r' : s[i]);
                }
                else sb.Append(s[i]);
            }
            return sb.ToString();
        }
    }

    public static class ReleaseStatus
    {
        public const string Staged = "staged";
        public const string Good = "good";
        public const string Failed = "failed";
    }

    /// <summary>The one owner of meta/ID.info: what a release is (key=value lines).</summary>
    public sealed class ReleaseInfo
    {
        public string Id { get; set; }
        public DateTime CreatedUtc { get; set; }
        /// <summary>A <see cref="ReleaseStatus"/>.</summary>
        public string Status { get; set; } = ReleaseStatus.Staged;
        /// <summary>Everything that makes a deploy identical: files, venv, entry, secrets, settings.</summary>
        public string Key { get; set; }
        public string Venv { get; set; }
        public string Entry { get; set; }
        /// <summary>The phase a failed release failed in.</summary>
        public string FailedPhase { get; set; }
        /// <summary>Size on the host in KiB (from the probe; not written).</summary>
        public long? SizeKiB { get; set; }

        public string Render()
        {
            var sb = new StringBuilder();
            sb.Append("id=").Append(Id).Append('\n');
            sb.Append("created=").Append(CreatedUtc.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)).Append('\n');
            sb.Append("status=").Append(Status).Append('\n');
            sb.Append("key=").Append(Key).Append('\n');
            sb.Append("venv=").Append(Venv).Append('\n');
            sb.Append("entry=").Append(Entry).Append('\n');
            if (FailedPhase != null) sb.Append("phase=").Append(FailedPhase).Append('\n');
            return sb.ToString();
        }

        public ReleaseInfo With(string status, string failedPhase = null) => new ReleaseInfo
        {
            Id = Id, CreatedUtc = CreatedUtc, Status = status, Key = Key, Venv = Venv, Entry = Entry, FailedPhase = failedPhase, SizeKiB = SizeKiB,
        };

        public static ReleaseInfo Read(string id, string text)
        {
            var f = ScriptOutput.ParseFacts(text ?? "");
            string Get(string k) => f.TryGetValue(k, out var v) ? v : null;
            DateTime.TryParse(Get("created"), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var created);
            return new ReleaseInfo
            {
                Id = id,
                CreatedUtc = created,
                Status = Get("status") ?? ReleaseStatus.Staged,
                Key = Get("key"),
                Venv = Get("venv"),
                Entry = Get("entry"),
                FailedPhase = Get("phase"),
                SizeKiB = long.TryParse(Get("size"), NumberStyles.None, CultureInfo.InvariantCulture, out long kb) ? kb : (long?)null,
            };
        }

        /// <summary>Ids sort by time: yyyyMMddTHHmmssfffZ, then a few characters of the key.</summary>
        public static string NewId(DateTime utc, string key) =>
            utc.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture) + "-" + key.Substring(0, 6);

        public static bool IsId(string s) => s != null && System.Text.RegularExpressions.Regex.IsMatch(s, @"\A\d{8}T\d{9}Z-[0-9a-f]{6}\z");
    }

    /// <summary>The one owner of the publish directory's state file: which release is live, on which slot and port.</summary>
    public sealed class PublishState
    {
        public string Current { get; set; }
        public string Previous { get; set; }
        /// <summary>"a" or "b": the slot that serves.</summary>
        public string Slot { get; set; }
        public int? Port { get; set; }
        public int? AlternatePort { get; set; }
        /// <summary>The web backend's target (PATH or DOMAIN/PATH).</summary>
        public string Target { get; set; }
        /// <summary>What the live release was published with, so Undo-FlaskDeployment puts it back the same way.</summary>
        public string WebPath { get; set; }
        public string Domain { get; set; }
        public string HealthPath { get; set; }
        public int? Processes { get; set; }
        public int? Threads { get; set; }

        public int? PortOf(string slot) => slot == "a" ? Port : slot == "b" ? AlternatePort : null;

        public string Render()
        {
            var sb = new StringBuilder();
            void Line(string k, object v) { if (v != null) sb.Append(k).Append('=').Append(Convert.ToString(v, CultureInfo.InvariantCulture)).Append('\n'); }
            Line("current", Current); Line("previous", Previous); Line("slot", Slot);
            Line("port", Port); Line("alternate-port", AlternatePort); Line("target", Target);
            Line("web-path", WebPath); Line("domain", Domain); Line("health-path", HealthPath); Line("processes", Processes); Line("threads", Threads);
            return sb.ToString();
        }

        public static PublishState Read(string text)
        {
            var f = ScriptOutput.ParseFacts(text ?? "");
            string Get(string k) => f.TryGetValue(k, out var v) && v.Length > 0 ? v : null;
            int? Int(string k) => int.TryParse(Get(k), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : (int?)null;
            return new PublishState
            {
                Current = Get("current"), Previous = Get("previous"), Slot = Get("slot"),
                Port = Int("port"), AlternatePort = Int("alternate-port"), Target = Get("target"),
                WebPath = Get("web-path"), Domain = Get("domain"), HealthPath = Get("health-path"), Processes = Int("processes"), Threads = Int("threads"),
            };
        }
    }

    /// <summary>
    /// The one owner of the publish lock's holder line (lock/holder, one line): who holds it and since when, for a
    /// client's publish ("USER@MACHINE pid N since T") and for the cleanup that a confirmed switch leaves running on the
    /// host ("the cleanup after release ID (...), since T"). The probe reports it in its section "lock" after the
    /// word "held", "cleanup" while that cleanup still runs, or "cleanup-gone" when its process is gone; take_lock shows
    /// it bare when it refuses.
    /// </summary>
    public sealed class PublishLock
    {
        const string TimeFormat = "yyyy-MM-ddTHH:mm:ssZ";
        PublishLock(string holder, bool isCleanup, bool cleanupGone = false) { Holder = holder; IsCleanup = isCleanup; CleanupGone = cleanupGone; Since = SinceOf(holder); }

        /// <summary>The holder line as written ('' when the lock folder had none).</summary>
        public string Holder { get; }
        /// <summary>Held by the detached cleanup after a publish, which still runs (a publish waits for it).</summary>
        public bool IsCleanup { get; }
        /// <summary>Held by such a cleanup whose process is gone (killed): the next publish takes the lock over.</summary>
        public bool CleanupGone { get; }
        /// <summary>When it was taken, from the holder line; null when the line has no time.</summary>
        public DateTime? Since { get; }

        public TimeSpan? Age(DateTime utcNow) => Since == null ? (TimeSpan?)null : utcNow - Since.Value;

        public static string ForClient(string user, string machine, int pid, DateTime utcNow) =>
            $"{user}@{machine} pid {pid} since {Time(utcNow)}";

        public static string ForCleanup(string releaseId, string oldService, int graceSeconds, DateTime utcNow) =>
            $"the cleanup after release {releaseId} ({(string.IsNullOrEmpty(oldService) ? "" : $"stopping {oldService} after {graceSeconds} s, ")}then pruning), since {Time(utcNow)}";

        /// <summary>The probe's section "lock": null when the lock is free.</summary>
        public static PublishLock Read(string section)
        {
            string text = (section ?? "").Trim();
            if (text.StartsWith("held", StringComparison.Ordinal)) return new PublishLock(text.Substring(4).Trim(), false);
            if (text.StartsWith("cleanup-gone", StringComparison.Ordinal)) return new PublishLock(text.Substring(12).Trim(), false, true);
            if (text.StartsWith("cleanup", StringComparison.Ordinal)) return new PublishLock(text.Substring(7).Trim(), true);
            return null;
        }

        /// <summary>The holder take_lock shows when it refuses (its section "lock", the bare line).</summary>
        public static string ReadRefusal(string section) => (section ?? "").Trim();

        static string Time(DateTime utc) => utc.ToUniversalTime().ToString(TimeFormat, CultureInfo.InvariantCulture);

        static DateTime? SinceOf(string holder)
        {
            int at = holder.LastIndexOf(" since ", StringComparison.Ordinal);
            if (at < 0) return null;
            return DateTime.TryParseExact(holder.Substring(at + 7).Trim(), TimeFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) ? t : (DateTime?)null;
        }
    }

    /// <summary>
    /// The one owner of an app's secrets file (~/apps/NAME/secrets, mode 0600): a line per secret, "NAME=" and the
    /// value in base64 (any byte survives, no line breaks). This renders the line that releases/secret.sh puts in
    /// place of the name's old one. On the host the WSGI entry (uf_wsgi.py) reads it into the app's environment, and
    /// the listing shows each name with the SHA-256 of its value (a value never travels back).
    /// </summary>
    public static class SecretsFile
    {
        public static string Line(string name, byte[] value) => name + "=" + Convert.ToBase64String(value);

        /// <summary>What the host lists for a secret of this value: the SHA-256 of the value's bytes (Get-FlaskSecret's
        /// help shows users how to compare it with a value of their own).</summary>
        public static string Fingerprint(byte[] value) => ProjectFiles.Sha256(value);
    }
}
