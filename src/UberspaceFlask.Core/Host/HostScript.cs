using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace UberspaceFlask.Core.Host
{
    /// <summary>
    /// A POSIX sh script from the Scripts folder (an embedded resource), with the lib files it uses in front: lib/proto.sh
    /// always, first, then those its "# uses:" line names and theirs in turn, each once. It runs as
    /// `sh -c SCRIPT NAME MARKER ARG...`: the script text is fixed, user values only ever arrive as positional
    /// parameters, each one quoted as a single word by <see cref="ShellQuote"/>.
    /// </summary>
    public sealed class HostScript
    {
        static readonly ConcurrentDictionary<string, HostScript> Loaded = new ConcurrentDictionary<string, HostScript>(StringComparer.Ordinal);

        HostScript(string name, string text) { Name = name; Text = text; }

        /// <summary>"supervisor/probe": the file Scripts/supervisor/probe.sh.</summary>
        public string Name { get; }
        /// <summary>The lib files it uses, then the script itself.</summary>
        public string Text { get; }
        /// <summary>The lib files in front of it, in the order sent ("proto" first).</summary>
        public IReadOnlyList<string> Libraries { get; private set; }

        public static HostScript Get(string name) => Loaded.GetOrAdd(name, n =>
        {
            string own = Resource(n);
            var libs = Uses(own);
            return new HostScript(n, string.Join("\n", libs.Select(l => Resource("lib/" + l))) + "\n" + own) { Libraries = libs };
        });

        /// <summary>proto, then every lib file the text's "# uses:" line names, theirs after them, each once.</summary>
        static List<string> Uses(string text)
        {
            var order = new List<string> { "proto" };
            var pending = new Queue<string>(Declared(text));
            while (pending.Count > 0)
            {
                string lib = pending.Dequeue();
                if (order.Contains(lib)) continue;
                order.Add(lib);
                foreach (var next in Declared(Resource("lib/" + lib))) pending.Enqueue(next);
            }
            return order;
        }

        static IEnumerable<string> Declared(string text)
        {
            foreach (var line in text.Split('\n'))
            {
                if (!line.StartsWith("# uses: ", StringComparison.Ordinal)) continue;
                return line.Substring(8).Trim() == "(proto only)"
                    ? new string[0]
                    : line.Substring(8).Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
            }
            return new string[0];
        }

        static string Resource(string name) => Embedded(name.Replace('/', '.') + ".sh");

        /// <summary>Another file of the Scripts folder, sent as content rather than run ("releases.uf_wsgi.py").</summary>
        public static string Embedded(string fileName)
        {
            string resource = "UberspaceFlask.Scripts." + fileName;
            using (var s = typeof(HostScript).Assembly.GetManifestResourceStream(resource))
            {
                if (s == null) throw new ArgumentException("No embedded script file " + fileName, nameof(fileName));
                using (var r = new StreamReader(s)) return r.ReadToEnd();
            }
        }

        /// <summary>A fresh random marker for the output framing; a probe's output cannot contain it by chance or by design.</summary>
        public static string NewMarker()
        {
            var bytes = new byte[12];
            using (var rng = RandomNumberGenerator.Create()) rng.GetBytes(bytes);
            return "uf" + BitConverter.ToString(bytes).Replace("-", "").ToLowerInvariant();
        }

        /// <summary>The command line that runs this script with its arguments.</summary>
        public string CommandLine(string marker, IEnumerable<ScriptArgument> args) =>
            ShellQuote.Join(new[] { "/bin/sh", "-c", Text, "uberspaceflask/" + Name, marker }.Concat(args.Select(a => a.Value)));

        /// <summary>How the call shows in -Verbose and errors: the script's name and its arguments, secrets masked.</summary>
        public string Display(IEnumerable<ScriptArgument> args) =>
            Name + ".sh " + string.Join(" ", args.Select(a => a.Display));
    }

    /// <summary>One positional parameter of a script, and how it may be shown to a user.</summary>
    public sealed class ScriptArgument
    {
        ScriptArgument(string value, string display) { Value = value ?? ""; Display = display; }
        public string Value { get; }
        public string Display { get; }

        public static ScriptArgument Of(string value) => new ScriptArgument(value, ShellQuote.Quote(value ?? ""));
        public static ScriptArgument Of(int value) => Of(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        public static ScriptArgument Of(bool value) => Of(value ? "yes" : "no");
        /// <summary>A pip argument: an index URL's credentials are masked wherever it is shown.</summary>
        public static ScriptArgument Pip(string value) => new ScriptArgument(value, ShellQuote.Quote(Redaction.PipArgument(value)));
        /// <summary>File content, base64-encoded (bytes survive any shell), shown only by its size.</summary>
        public static ScriptArgument Content(string text)
        {
            var bytes = new UTF8Encoding(false).GetBytes(text);
            return new ScriptArgument(Convert.ToBase64String(bytes), $"<{bytes.Length} bytes>");
        }

        /// <summary>Another host script's text (its lib files in front), for a script that starts it detached; shown by its name.</summary>
        public static ScriptArgument Script(HostScript script) => new ScriptArgument(script.Text, $"<{script.Name}.sh>");

        /// <summary>Bytes already in base64, shown only by their size.</summary>
        public static ScriptArgument Base64(string base64, int byteCount) => new ScriptArgument(base64, $"<{byteCount} bytes>");

        public static implicit operator ScriptArgument(string value) => Of(value);
    }
}
