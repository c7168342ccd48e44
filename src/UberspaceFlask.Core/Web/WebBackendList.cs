using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace UberspaceFlask.Core.Web
{
    public enum BackendStatusKind { None, Ok, WrongInterface, NoService, Unknown }

    /// <summary>One line of `uberspace web backend list`.</summary>
    public sealed class WebBackendEntry
    {
        /// <summary>As printed: "/", "/app", "example.org/", "example.org/ep".</summary>
        public string Target { get; set; }
        /// <summary>null for backends that apply to every domain of the account.</summary>
        public string Domain { get; set; }
        public string Path { get; set; }
        /// <summary>"http" or "apache"; anything else verbatim.</summary>
        public string Kind { get; set; }
        public int? Port { get; set; }
        public bool RemovePrefix { get; set; }
        public bool IsDefault { get; set; }
        /// <summary>Text after "=>", verbatim; null when the line has none (apache backends).</summary>
        public string Status { get; set; }
        public BackendStatusKind StatusKind { get; set; }
        public int? Pid { get; set; }
        public string ProcessCommand { get; set; }
        /// <summary>The address the listener is bound to, for "wrong interface".</summary>
        public string ListenAddress { get; set; }
        public string Line { get; set; }
    }

    public static class WebBackendList
    {
        // <[domain]path> <http:PORT|apache>[, --remove-prefix][ (default)] [=> STATUS]
        static readonly Regex LineRx = new Regex(
            @"^(?<target>\S+)\s+(?<kind>http:(?<port>\d+)|[A-Za-z][\w-]*)(?<rp>,\s*--remove-prefix)?(?<def>\s+\(default\))?(?:\s+=>\s+(?<status>.*))?$",
            RegexOptions.CultureInvariant);
        static readonly Regex OkRx = new Regex(@"^OK, listening: PID (?<pid>\d+), (?<cmd>.*)$", RegexOptions.CultureInvariant);
        static readonly Regex WrongRx = new Regex(@"^NOT OK, wrong interface \((?<addr>.+?)\): PID (?<pid>\d+), (?<cmd>.*)$", RegexOptions.CultureInvariant);

        /// <summary>Parses every recognisable line; unknown statuses are kept verbatim, unparseable lines skipped, never an exception.</summary>
        public static List<WebBackendEntry> Parse(string output)
        {
            var list = new List<WebBackendEntry>();
            foreach (var raw in (output ?? "").Split('\n'))
            {
                var e = ParseLine(raw.TrimEnd('\r', ' '));
                if (e != null) list.Add(e);
            }
            return list;
        }

        public static WebBackendEntry ParseLine(string line)
        {
            if (string.IsNullOrWhiteSpace(line)) return null;
            var m = LineRx.Match(line);
            if (!m.Success) return null;
            var e = new WebBackendEntry { Target = m.Groups["target"].Value, Line = line };
            int slash = e.Target.IndexOf('/');
            if (slash < 0) { e.Domain = e.Target; e.Path = "/"; }
            else { e.Domain = slash == 0 ? null : e.Target.Substring(0, slash); e.Path = e.Target.Substring(slash); }
            string kind = m.Groups["kind"].Value;
            if (m.Groups["port"].Success) { e.Kind = "http"; e.Port = int.Parse(m.Groups["port"].Value); }
            else e.Kind = kind;
            e.RemovePrefix = m.Groups["rp"].Success;
            e.IsDefault = m.Groups["def"].Success;
            if (m.Groups["status"].Success)
            {
                e.Status = m.Groups["status"].Value.Trim();
                Match s;
                if ((s = OkRx.Match(e.Status)).Success) { e.StatusKind = BackendStatusKind.Ok; e.Pid = int.Parse(s.Groups["pid"].Value); e.ProcessCommand = s.Groups["cmd"].Value; }
                else if ((s = WrongRx.Match(e.Status)).Success)
                {
                    e.StatusKind = BackendStatusKind.WrongInterface; e.ListenAddress = s.Groups["addr"].Value;
                    e.Pid = int.Parse(s.Groups["pid"].Value); e.ProcessCommand = s.Groups["cmd"].Value;
                }
                else if (e.Status == "NOT OK, no service") e.StatusKind = BackendStatusKind.NoService;
                else e.StatusKind = BackendStatusKind.Unknown;
            }
            return e;
        }

        /// <summary>The target as `set`/`del` take it: "/", "/app", "example.org", "example.org/ep".</summary>
        public static string TargetFor(string domain, string path)
        {
            if (domain == null) return path;
            return path == "/" ? domain : domain + path;
        }

        /// <summary>Whether a listed entry is the one for this target (lists show a domain root as "example.org/").</summary>
        public static bool Matches(WebBackendEntry e, string domain, string path) =>
            string.Equals(e.Domain, domain, StringComparison.OrdinalIgnoreCase) && e.Path == path;

        /// <summary>Whether the list routes the target (domain, path) to port over HTTP: a publish's switch is that.</summary>
        public static bool PointsAt(IEnumerable<WebBackendEntry> list, string domain, string path, int? port)
        {
            var entry = list.FirstOrDefault(e => Matches(e, domain, path));
            return port != null && entry != null && entry.Kind == "http" && entry.Port == port;
        }
    }
}
