using System;
using System.Text;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace UberspaceFlask.Core.Host
{
    /// <summary>
    /// A transport plus the caller's log and cancellation: what every step needs to run host scripts, with each
    /// call reported verbosely (secrets masked) and failures turned into errors carrying the output.
    /// </summary>
    public sealed class HostShell
    {
        public HostShell(IHostTransport transport, IOperationLog log, CancellationToken cancellation)
        {
            Transport = transport ?? throw new ArgumentNullException(nameof(transport));
            Log = log ?? NullOperationLog.Instance;
            Cancellation = cancellation;
        }

        public IHostTransport Transport { get; }
        public IOperationLog Log { get; }
        public CancellationToken Cancellation { get; }
        public string Where => Transport.Description;

        /// <summary>Runs a user's own command line as written (Invoke-UberspaceCommand).</summary>
        public CommandResult Run(string command, TimeSpan? timeout = null)
        {
            Cancellation.ThrowIfCancellationRequested();
            Log.Verbose($"[{Where}] $ {command}");
            var r = Transport.Run(command, timeout ?? HostCommand.DefaultTimeout, Cancellation);
            if (r.ExitStatus != 0) Log.Verbose($"[{Where}] exit {r.ExitStatus}");
            return r;
        }

        /// <summary>Runs a host script; every script reports the home in its "host" section, which the transport learns.</summary>
        public ScriptResult RunScript(string name, IEnumerable<ScriptArgument> args, TimeSpan? timeout = null, string input = null, HostPayload payload = null) =>
            Execute(name, args, timeout ?? HostCommand.DefaultTimeout, input, payload, null);

        public ScriptResult RunScript(string name, params ScriptArgument[] args) => RunScript(name, (IEnumerable<ScriptArgument>)args);

        /// <summary>
        /// Runs a host script whose output is wanted as it comes (a follow, a one-off command): every complete line is
        /// handed to line(section, text, isStderr) on this thread, stdout lines with the section they are in, framing
        /// left out. Stopping (Ctrl+C) stops the command on the host. The result is the same as RunScript's.
        /// </summary>
        public ScriptResult RunScriptStreaming(string name, IEnumerable<ScriptArgument> args, Action<string, string, bool> line, TimeSpan timeout) =>
            Execute(name, args, timeout, null, null, line);

        ScriptResult Execute(string name, IEnumerable<ScriptArgument> args, TimeSpan timeout, string input, HostPayload payload, Action<string, string, bool> line)
        {
            Cancellation.ThrowIfCancellationRequested();
            var script = HostScript.Get(name);
            var list = args.ToList();
            string marker = HostScript.NewMarker();
            string display = script.Display(list);
            Log.Verbose($"[{Where}] $ {display}");
            if (payload != null) Log.Verbose($"[{Where}]   with {payload.Length:N0} bytes on stdin");
            var lines = line == null ? null : new StreamedLines(marker, line);
            CommandResult r;
            try
            {
                r = Transport.Run(script.CommandLine(marker, list), timeout, Cancellation, input, payload, lines == null ? null : (Action<string, bool>)lines.Take);
            }
            catch (ConnectionLostException ex)
            {
                // How far the script got before the connection went: its sections so far.
                throw new ScriptInterruptedException(ex, new ScriptOutput(ex.PartialStdout ?? "", marker));
            }
            lines?.Flush();
            if (r.ExitStatus != 0) Log.Verbose($"[{Where}] exit {r.ExitStatus}");
            var output = new ScriptOutput(r.Stdout, marker);
            if (output.Facts("host").TryGetValue("home", out var home) && home.StartsWith("/", StringComparison.Ordinal))
                Transport.LearnHome(HostPaths.Normalize(home));
            // A script that names its words refused the count it was given: this client and that script do not match.
            if (r.ExitStatus == ExitCodes.Words)
                throw new UberspaceException("ScriptWordsRefused", FailureKind.InvalidOperation,
                    $"The host script {script.Name} refused the {list.Count} words it was given on {Where}, before it acted: the module's C# side and its " +
                    "scripts are of different versions. Reinstall the module (Import-Module -Force in a fresh session).", script.Name);
            return new ScriptResult(display, r, output);
        }

        /// <summary>Runs a script that must succeed; otherwise throws errorId with its output.</summary>
        public ScriptResult RunScriptChecked(string name, string errorId, string what, IEnumerable<ScriptArgument> args, TimeSpan? timeout = null, string input = null)
        {
            var r = RunScript(name, args, timeout, input);
            if (r.ExitStatus != 0) throw r.Failure(errorId, what, Where);
            return r;
        }

        /// <summary>The home directory: known from an earlier script, or asked for now (one round trip, once per session).</summary>
        public string Home
        {
            get
            {
                if (Transport.KnownHome == null) RunScript("host/facts");
                return Transport.KnownHome ?? throw new UberspaceException("HomeNotFound", FailureKind.InvalidOperation,
                    $"Could not read $HOME on {Where}.", Where);
            }
        }
    }

    public sealed class ScriptResult
    {
        public ScriptResult(string display, CommandResult raw, ScriptOutput output) { Display = display; Raw = raw; Output = output; }
        public string Display { get; }
        public CommandResult Raw { get; }
        public ScriptOutput Output { get; }
        public int ExitStatus => Raw.ExitStatus;

        public UberspaceException Failure(string errorId, string what, string where)
        {
            string text = Raw.CombinedOutput;
            if (text.Length > 2000) text = "..." + text.Substring(text.Length - 2000);
            // Output lines of the framing are noise in a message; the error text is what the user needs.
            text = string.Join("\n", text.Split('\n').Where(l => !l.StartsWith("@@uf", StringComparison.Ordinal))).Trim();
            return new UberspaceException(errorId, FailureKind.InvalidOperation,
                $"{what} failed (exit {Raw.ExitStatus}) on {where}: {text}", Display) { Detail = Raw.CombinedOutput };
        }
    }

    /// <summary>ConnectionLost in the middle of a script: the same error, with the sections the script wrote before it.</summary>
    public sealed class ScriptInterruptedException : ConnectionLostException
    {
        public ScriptInterruptedException(UberspaceException lost, ScriptOutput partial)
            : base(lost.Message, lost.Target, lost.InnerException ?? lost)
        {
            Detail = lost.Detail;
            Partial = partial;
        }

        /// <summary>The sections that arrived before the connection was lost.</summary>
        public ScriptOutput Partial { get; }
    }
}
