using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using UberspaceFlask.Core.Host;

namespace UberspaceFlask.Core.Releases
{
    /// <summary>One line of an app's output: a log line, or a line a one-off command printed.</summary>
    public sealed class AppOutputLine
    {
        public AppOutputLine(string stream, string text, DateTimeOffset? time) { Stream = stream; Text = text; Time = time; }
        /// <summary>"Stdout" or "Stderr".</summary>
        public string Stream { get; }
        public string Text { get; }
        /// <summary>The time the line carries itself (uWSGI's request log, Python's logging, ISO 8601); null when none.</summary>
        public DateTimeOffset? Time { get; }

        static readonly Regex Iso = new Regex(@"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?", RegexOptions.CultureInvariant);
        // uWSGI: "[Fri Nov 27 10:00:00 2026]"
        static readonly Regex Ctime = new Regex(@"\[(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\w{3}) +(\d{1,2}) (\d{2}:\d{2}:\d{2}) (\d{4})\]", RegexOptions.CultureInvariant);

        /// <summary>The line's own time, when it carries one near its start (a time the host wrote, taken as UTC when it names no zone).</summary>
        public static DateTimeOffset? TimeIn(string text)
        {
            var m = Iso.Match(text);
            if (m.Success && m.Index < 40)
            {
                string t = m.Value.Replace(',', '.').Replace(' ', 'T');
                if (DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d)) return d;
            }
            var c = Ctime.Match(text);
            if (c.Success && DateTime.TryParseExact($"{c.Groups[1].Value} {c.Groups[2].Value.PadLeft(2, '0')} {c.Groups[4].Value} {c.Groups[3].Value}",
                    "MMM dd yyyy HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var u))
                return new DateTimeOffset(u, TimeSpan.Zero);
            return null;
        }
    }

    /// <summary>Which supervisord program's log an app's log is, and reading or following it (services/follow.sh).</summary>
    public static class AppLog
    {
        /// <summary>
        /// The program of an app: for a published one (its state names a current release) the live slot, or the
        /// slot asked for; for one of the guide's pipeline, the service of its name.
        /// </summary>
        public static string Service(string name, PublishFacts records, string slot)
        {
            if (records.State.Current == null)
            {
                if (slot != null)
                    throw HostErrors.AppNotPublished($"{name} on {records.Where} is not a published app, so it has no slots: leave out -Slot.", name);
                return InputValidation.ServiceName(name);
            }
            return PublishLayout.SlotService(name, slot ?? records.State.Slot ?? "a");
        }

        /// <summary>
        /// The end of the log (about bytes from each stream's end, then the last tail lines of each) or, with follow,
        /// that and every new line until stopped. line gets each line as it comes, on the calling thread.
        /// </summary>
        public static void Read(HostShell shell, string service, string stream, int tail, bool follow, Action<AppOutputLine> line)
        {
            var held = new Dictionary<string, List<AppOutputLine>> { ["Stdout"] = new List<AppOutputLine>(), ["Stderr"] = new List<AppOutputLine>() };
            // Followed, the lines come as they are written; read once, the last tail of each stream are kept.
            var r = shell.RunScriptStreaming("services/follow", new[]
            {
                ScriptArgument.Of(service), stream.ToLowerInvariant(), follow ? "follow" : "", ScriptArgument.Of(Math.Max(4096, tail * 400)),
            }, (section, text, isErr) =>
            {
                if (section != "log" || isErr || text.Length < 2) return;
                var l = new AppOutputLine(text[0] == 'E' ? "Stderr" : "Stdout", text.Substring(2), AppOutputLine.TimeIn(text.Substring(2)));
                if (follow) line(l); else held[l.Stream].Add(l);
            }, follow ? TimeSpan.FromDays(3650) : TimeSpan.FromSeconds(60));
            if (r.Output.Text("status").Contains("no such process"))
                throw HostErrors.ServiceNotFound(service, shell.Where);
            if (!follow)
                foreach (var s in new[] { "Stdout", "Stderr" })
                    foreach (var l in held[s].Skip(Math.Max(0, held[s].Count - tail))) line(l);
        }
    }

    /// <summary>Invoke-FlaskCommand: a one-off command in the live release of a published app (releases/run.sh).</summary>
    public static class AppCommand
    {
        /// <summary>Runs words (an argv) in the live release; each line it prints goes to line as it comes. Returns the exit status.</summary>
        public static int Run(HostShell shell, string name, PublishFacts records, IReadOnlyList<string> words, Action<AppOutputLine> line, out string releaseId)
        {
            releaseId = records.State.Current;
            var release = records.Release(releaseId);
            if (release == null)
                throw HostErrors.AppNotPublished($"{name} on {shell.Where} has no live release to run a command in (publish it with Publish-FlaskApp).", name);
            var args = new List<ScriptArgument>
            {
                ScriptArgument.Of(records.Root ?? PublishLayout.RootFor(name)), release.Id, release.Venv ?? "", release.Entry ?? "",
                ScriptArgument.Content(HostScript.Embedded("releases.uf_run.py")),
            };
            args.AddRange(words.Select(w => (ScriptArgument)w));
            var r = shell.RunScriptStreaming("releases/run", args, (section, text, isErr) =>
            {
                if (isErr) line(new AppOutputLine("Stderr", text, null));
                else if (section == "output") line(new AppOutputLine("Stdout", text, null));
            }, TimeSpan.FromDays(3650));
            if (r.ExitStatus == ExitCodes.NotFound)
                throw HostErrors.AppNotPublished($"The live release {release.Id} of {name} or its venv is missing on {shell.Where}; publish again.", name);
            if (r.ExitStatus != 0) throw r.Failure("CommandFailed", "Starting the command", shell.Where);
            return int.TryParse(r.Output.Facts("exit").TryGetValue("exit", out var e) ? e : "", out int code) ? code : -1;
        }
    }
}
