using System;
using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;

namespace UberspaceFlask.Core
{
    /// <summary>
    /// Reading the output of a probe: one command that gathers several things, separated by lines "@@name".
    /// Text before the first marker is the section "". Missing sections read as "".
    /// </summary>
    public static class ProbeOutput
    {
        public static string Marker(string name) => "echo @@" + name + "; ";

        public static Dictionary<string, string> Sections(string text)
        {
            var d = new Dictionary<string, string>(StringComparer.Ordinal);
            string current = "";
            var sb = new StringBuilder();
            foreach (var line in (text ?? "").Split('\n'))
            {
                if (line.StartsWith("@@", StringComparison.Ordinal))
                {
                    d[current] = sb.ToString();
                    current = line.Substring(2).Trim();
                    sb.Clear();
                }
                else sb.Append(line).Append('\n');
            }
            d[current] = sb.ToString();
            return d;
        }

        public static string Get(this Dictionary<string, string> sections, string name) =>
            sections.TryGetValue(name, out var s) ? s : "";

        /// <summary>"key=value" lines; later lines win.</summary>
        public static Dictionary<string, string> KeyValues(string text)
        {
            var d = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var line in (text ?? "").Split('\n'))
            {
                int i = line.IndexOf('=');
                if (i > 0) d[line.Substring(0, i)] = line.Substring(i + 1).Trim();
            }
            return d;
        }

        /// <summary>Splits off a trailing "name=N" exit line (from `echo "name=$?"`): the text before it and N, or -1.</summary>
        public static (string Body, int Exit) WithExit(string text, string name)
        {
            var m = Regex.Match(text ?? "", Regex.Escape(name) + @"=(\d+)\s*$");
            return m.Success ? (text.Substring(0, m.Index), int.Parse(m.Groups[1].Value)) : (text ?? "", -1);
        }
    }
}
