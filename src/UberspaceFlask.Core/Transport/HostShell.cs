using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;

namespace UberspaceFlask.Core.Transport
{
    /// <summary>
    /// A transport plus the caller's log and cancellation: what every operation needs to run commands,
    /// with each command reported verbosely and failures turned into errors with stderr attached.
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
        public string Home => Transport.HomeDirectory;

        public CommandResult Run(string command, TimeSpan? timeout = null)
        {
            Cancellation.ThrowIfCancellationRequested();
            Log.Verbose($"[{Transport.Description}] $ {command}");
            var r = Transport.Run(command, timeout ?? HostCommand.DefaultTimeout, Cancellation);
            if (r.ExitStatus != 0)
                Log.Verbose($"[{Transport.Description}] exit {r.ExitStatus}");
            return r;
        }

        /// <summary>Runs a command that must succeed; otherwise throws errorId with the command's output.</summary>
        public CommandResult RunChecked(string command, string errorId, string what, TimeSpan? timeout = null)
        {
            var r = Run(command, timeout);
            if (r.ExitStatus != 0)
            {
                throw new UberspaceException(errorId, FailureKind.InvalidOperation,
                    $"{what} failed (exit {r.ExitStatus}) on {Transport.Description}: {Trim(r.CombinedOutput)}", command)
                { Detail = r.CombinedOutput };
            }
            return r;
        }

        /// <summary>
        /// Runs a probe command and reads files in the same round trip. Returns the command's stdout and each file's
        /// text (null when missing). Files travel base64-encoded, so empty and missing stay distinct.
        /// </summary>
        public (string Stdout, Dictionary<string, string> Files) RunProbe(string command, IEnumerable<string> files)
        {
            var list = files.ToList();
            var sb = new StringBuilder(command.TrimEnd().TrimEnd(';')).Append("; echo @@files@@; ");
            foreach (var f in list)
            {
                string q = ShellQuote.Quote(f);
                sb.Append("if [ -f ").Append(q).Append(" ]; then echo '@@F'; base64 < ").Append(q).Append("; else echo '@@M'; fi; ");
            }
            sb.Append("true");
            var r = Run(sb.ToString());
            int cut = r.Stdout.IndexOf("@@files@@\n", StringComparison.Ordinal);
            string head = cut >= 0 ? r.Stdout.Substring(0, cut) : r.Stdout;
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            if (cut < 0) return (head, result);
            var blocks = r.Stdout.Substring(cut + 10).Split(new[] { "@@" }, StringSplitOptions.None);
            // blocks[0] is empty (text before the first marker); then one block per file, in order: "F\n<base64>" or "M\n".
            for (int i = 0; i < list.Count && i + 1 < blocks.Length; i++)
            {
                string b = blocks[i + 1];
                if (b.StartsWith("F", StringComparison.Ordinal))
                {
                    string b64 = b.Substring(1).Replace("\n", "").Replace("\r", "").Trim();
                    result[list[i]] = new UTF8Encoding(false).GetString(Convert.FromBase64String(b64));
                }
                else result[list[i]] = null;
            }
            return (head, result);
        }

        public void WriteText(string path, string content)
        {
            Cancellation.ThrowIfCancellationRequested();
            Log.Verbose($"[{Transport.Description}] write {path} ({content.Length} chars, atomic)");
            try
            {
                Transport.WriteFileAtomic(path, new UTF8Encoding(false).GetBytes(content));
            }
            catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException)
            {
                throw new UberspaceException("FileWriteFailed", FailureKind.ResourceUnavailable,
                    $"Writing {path} on {Transport.Description} failed: {ex.Message}. The old file, if any, is unchanged.", path, ex);
            }
        }

        static string Trim(string s) => s.Length > 2000 ? "..." + s.Substring(s.Length - 2000) : s;
    }
}
