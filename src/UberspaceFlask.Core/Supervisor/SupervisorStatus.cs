using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace UberspaceFlask.Core.Supervisor
{
    /// <summary>supervisord's process states, and NotFound for "no such process".</summary>
    public static class SupervisorState
    {
        public const string Stopped = "STOPPED";
        public const string Starting = "STARTING";
        public const string Running = "RUNNING";
        public const string Backoff = "BACKOFF";
        public const string Stopping = "STOPPING";
        public const string Exited = "EXITED";
        public const string Fatal = "FATAL";
        public const string Unknown = "UNKNOWN";
        public const string NotFound = "NOTFOUND";

        /// <summary>Up, or on its way up: the program holds (or is about to hold) its port.</summary>
        public static bool IsUp(string state) => state == Running || state == Starting;
        public static bool IsDown(string state) => state == Stopped || state == Exited || state == Fatal;
    }

    /// <summary>One line of `supervisorctl status`.</summary>
    public sealed class SupervisorProgramStatus
    {
        public string Name { get; set; }
        /// <summary>A <see cref="SupervisorState"/>.</summary>
        public string State { get; set; }
        public int? Pid { get; set; }
        public TimeSpan? Uptime { get; set; }
        /// <summary>The text after the state, verbatim ("pid 26020, uptime 0:03:14", "Exited too quickly (process log may have details)").</summary>
        public string Description { get; set; }
    }

    /// <summary>The one reader of `supervisorctl status` output.</summary>
    public static class SupervisorStatusParser
    {
        // "flask                            RUNNING   pid 26020, uptime 0:03:14"
        static readonly Regex LineRx = new Regex(@"^(?<name>\S+)\s+(?<state>STOPPED|STARTING|RUNNING|BACKOFF|STOPPING|EXITED|FATAL|UNKNOWN)\b\s*(?<desc>.*)$", RegexOptions.CultureInvariant);
        static readonly Regex NoSuchRx = new Regex(@"^(?<name>\S+?):?\s+ERROR \(no such (process|group)\)", RegexOptions.CultureInvariant);
        static readonly Regex PidRx = new Regex(@"pid (?<pid>\d+), uptime (?:(?<days>\d+) days?, )?(?<h>\d+):(?<m>\d\d):(?<s>\d\d)", RegexOptions.CultureInvariant);

        public static List<SupervisorProgramStatus> Parse(string output)
        {
            var list = new List<SupervisorProgramStatus>();
            foreach (var raw in (output ?? "").Split('\n'))
            {
                string line = raw.TrimEnd('\r', ' ');
                var m = LineRx.Match(line);
                if (m.Success)
                {
                    var s = new SupervisorProgramStatus { Name = m.Groups["name"].Value, State = m.Groups["state"].Value, Description = m.Groups["desc"].Value.Trim() };
                    var p = PidRx.Match(s.Description);
                    if (p.Success)
                    {
                        s.Pid = int.Parse(p.Groups["pid"].Value);
                        int days = p.Groups["days"].Success ? int.Parse(p.Groups["days"].Value) : 0;
                        s.Uptime = new TimeSpan(days, int.Parse(p.Groups["h"].Value), int.Parse(p.Groups["m"].Value), int.Parse(p.Groups["s"].Value));
                    }
                    list.Add(s);
                    continue;
                }
                var n = NoSuchRx.Match(line);
                if (n.Success) list.Add(new SupervisorProgramStatus { Name = n.Groups["name"].Value, State = SupervisorState.NotFound, Description = line });
            }
            return list;
        }

        /// <summary>ps -o etime: [[dd-]hh:]mm:ss.</summary>
        public static TimeSpan? ParseElapsed(string etime)
        {
            var m = Regex.Match(etime ?? "", @"^(?:(?:(?<d>\d+)-)?(?<h>\d+):)?(?<m>\d+):(?<s>\d+)$");
            if (!m.Success) return null;
            int Part(string g) => m.Groups[g].Success ? int.Parse(m.Groups[g].Value) : 0;
            return new TimeSpan(Part("d"), Part("h"), Part("m"), Part("s"));
        }

        public static SupervisorProgramStatus Find(string output, string name) =>
            Parse(output).Find(s => s.Name == name);

        /// <summary>supervisorctl could not reach supervisord (not started, or socket gone).</summary>
        public static bool IsNotRunning(string output) =>
            output.IndexOf("no such file", StringComparison.OrdinalIgnoreCase) >= 0
            || output.IndexOf("refused connection", StringComparison.OrdinalIgnoreCase) >= 0
            || output.IndexOf("SHUTDOWN_STATE", StringComparison.Ordinal) >= 0
            || output.IndexOf("Connection refused", StringComparison.OrdinalIgnoreCase) >= 0;

        /// <summary>What asking supervisorctl came to, told apart in this one place (a status not asked is Answered).</summary>
        public static SupervisorReach Reach(string output, int exitStatus) =>
            IsMissing(output ?? "", exitStatus) ? SupervisorReach.Missing
            : IsNotRunning(output ?? "") ? SupervisorReach.NotRunning
            : SupervisorReach.Answered;

        /// <summary>supervisorctl itself is missing (exit 127 from the shell).</summary>
        public static bool IsMissing(string output, int exitStatus) =>
            exitStatus == 127 || output.Contains("supervisorctl: not found") || output.Contains("command not found");
    }

    /// <summary>supervisorctl answered (with whatever states), supervisord is not running, or there is no supervisorctl.</summary>
    public enum SupervisorReach
    {
        Answered,
        NotRunning,
        Missing,
    }
}
