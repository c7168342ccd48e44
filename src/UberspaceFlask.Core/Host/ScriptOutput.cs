using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace UberspaceFlask.Core.Host
{
    /// <summary>
    /// The output of a host script: sections opened by lines "@@MARKER NAME", where MARKER is the random word this
    /// call passed in. Text before the first section, and lines that only look like markers, stay plain text.
    /// A name may repeat (one section per pidfile, per service ini): <see cref="All"/> returns each.
    /// </summary>
    public sealed class ScriptOutput
    {
        readonly List<KeyValuePair<string, string>> _sections = new List<KeyValuePair<string, string>>();

        public ScriptOutput(string stdout, string marker)
        {
            string open = "@@" + marker + " ";
            string current = null;
            var sb = new StringBuilder();
            foreach (var line in (stdout ?? "").Split('\n'))
            {
                if (line.StartsWith(open, StringComparison.Ordinal))
                {
                    if (current != null) _sections.Add(new KeyValuePair<string, string>(current, Trim(sb)));
                    current = line.Substring(open.Length).TrimEnd('\r');
                    sb.Clear();
                }
                else if (current != null) sb.Append(line).Append('\n');
            }
            if (current != null) _sections.Add(new KeyValuePair<string, string>(current, Trim(sb)));
        }

        // lib.sh's section() starts with a newline so a marker is always at a line start; drop that one back.
        static string Trim(StringBuilder sb)
        {
            string s = sb.ToString();
            if (s.EndsWith("\n\n", StringComparison.Ordinal)) s = s.Substring(0, s.Length - 1);
            return s == "\n" ? "" : s;
        }

        public IEnumerable<string> Names => _sections.Select(s => s.Key);

        public bool Has(string name) => _sections.Any(s => s.Key == name);

        /// <summary>The first section of that name, or "" when there is none.</summary>
        public string Text(string name) => _sections.Where(s => s.Key == name).Select(s => s.Value).FirstOrDefault() ?? "";

        public IEnumerable<string> All(string name) => _sections.Where(s => s.Key == name).Select(s => s.Value);

        /// <summary>The "key=value" lines of a section (lib.sh's fact); the first value of a key wins.</summary>
        public Dictionary<string, string> Facts(string name) => ParseFacts(Text(name));

        public static Dictionary<string, string> ParseFacts(string text)
        {
            var d = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var line in (text ?? "").Split('\n'))
            {
                int i = line.IndexOf('=');
                if (i > 0 && !d.ContainsKey(line.Substring(0, i))) d[line.Substring(0, i)] = line.Substring(i + 1);
            }
            return d;
        }

        /// <summary>An exit status a script reported with `fact exit $?` in a section of its own; -1 when absent.</summary>
        public int Exit(string name) =>
            Facts(name).TryGetValue("exit", out var v) && int.TryParse(v, out int n) ? n : -1;

        /// <summary>A file shown by lib.sh's show_file: "link" (a symbolic link), then "file" and base64, or "missing".</summary>
        public HostFile File(string key) => ParseFile(Text("file:" + key));

        public static HostFile ParseFile(string text)
        {
            var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            bool link = lines.Contains("link");
            int f = lines.IndexOf("file");
            if (f < 0) return link ? new HostFile(true, true, null) : HostFile.Missing;
            string b64 = string.Concat(lines.Skip(f + 1));
            return new HostFile(true, link, new UTF8Encoding(false).GetString(Convert.FromBase64String(b64)));
        }
    }

    /// <summary>Chunks of output into lines: a section's framing ("@@MARKER NAME" and the empty line lib.sh's section()
    /// may put before it) switches the section instead of being a line.</summary>
    public sealed class StreamedLines
    {
        readonly string _open;
        readonly Action<string, string, bool> _line;
        readonly StringBuilder _out = new StringBuilder(), _err = new StringBuilder();
        string _section = "";
        bool _heldEmpty;

        public StreamedLines(string marker, Action<string, string, bool> line) { _open = "@@" + marker + " "; _line = line; }

        public void Take(string chunk, bool isErr)
        {
            var buffer = isErr ? _err : _out;
            buffer.Append(chunk);
            string text = buffer.ToString();
            int end = text.LastIndexOf('\n');
            if (end < 0) return;
            buffer.Clear().Append(text, end + 1, text.Length - end - 1);
            foreach (var l in text.Substring(0, end).Split('\n')) Emit(l.TrimEnd('\r'), isErr);
        }

        public void Flush()
        {
            if (_out.Length > 0) Emit(_out.ToString(), false);
            if (_err.Length > 0) Emit(_err.ToString(), true);
            _out.Clear(); _err.Clear();
            if (_heldEmpty) { _heldEmpty = false; _line(_section, "", false); }
        }

        void Emit(string l, bool isErr)
        {
            if (isErr) { _line(_section, l, true); return; }
            if (l.StartsWith(_open, StringComparison.Ordinal))
            {
                _heldEmpty = false;
                _section = l.Substring(_open.Length);
                return;
            }
            if (_heldEmpty) { _heldEmpty = false; _line(_section, "", false); }
            if (l.Length == 0) { _heldEmpty = true; return; }
            _line(_section, l, false);
        }
    }
}
