using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace UberspaceFlask.Core.Web
{
    /// <summary>One listening TCP socket, from `ss -Hltnp`.</summary>
    public sealed class Listener
    {
        /// <summary>"0.0.0.0", "::", "*", "127.0.0.1", ...</summary>
        public string Address { get; set; }
        public int Port { get; set; }
        /// <summary>The processes holding it (ss shows them for the account's own processes only).</summary>
        public List<int> Pids { get; set; } = new List<int>();
        public string Line { get; set; }
        public bool AllInterfaces => Address == "0.0.0.0" || Address == "::" || Address == "*";
    }

    /// <summary>The one reader of `ss -Hltnp` output.</summary>
    public static class Listeners
    {
        static readonly Regex PidRx = new Regex(@"pid=(\d+)", RegexOptions.CultureInvariant);

        // "LISTEN 0 100 0.0.0.0:1024 0.0.0.0:* users:(("uwsgi",pid=123,fd=3))": the fourth column is the local address.
        public static List<Listener> Parse(string output)
        {
            var list = new List<Listener>();
            foreach (var raw in (output ?? "").Split('\n'))
            {
                var cols = raw.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
                if (cols.Length < 4) continue;
                string local = cols[3];
                int colon = local.LastIndexOf(':');
                if (colon < 0 || !int.TryParse(local.Substring(colon + 1), out int port)) continue;
                string address = local.Substring(0, colon).Trim('[', ']');
                int iface = address.IndexOf('%');
                if (iface >= 0) address = address.Substring(0, iface);
                list.Add(new Listener
                {
                    Address = address,
                    Port = port,
                    Pids = PidRx.Matches(raw).Cast<Match>().Select(m => int.Parse(m.Groups[1].Value)).Distinct().ToList(),
                    Line = raw.Trim(),
                });
            }
            return list;
        }

        public static List<Listener> OnPort(IEnumerable<Listener> all, int port) => all.Where(l => l.Port == port).ToList();
    }
}
