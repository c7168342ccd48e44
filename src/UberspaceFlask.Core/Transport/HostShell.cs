using System;
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
        /// <summary>Commands and file operations sent so far (the no-op re-run budget is counted in these).</summary>
        public int RoundTrips { get; private set; }

        public CommandResult Run(string command, TimeSpan? timeout = null)
        {
            Cancellation.ThrowIfCancellationRequested();
            Log.Verbose($"[{Transport.Description}] $ {command}");
            RoundTrips++;
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

        public string ReadText(string path)
        {
            Cancellation.ThrowIfCancellationRequested();
            Log.Verbose($"[{Transport.Description}] read {path}");
            RoundTrips++;
            try
            {
                var bytes = Transport.ReadFile(path);
                return bytes == null ? null : new UTF8Encoding(false).GetString(bytes);
            }
            catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException)
            {
                throw new UberspaceException("FileReadFailed", FailureKind.ResourceUnavailable,
                    $"Reading {path} on {Transport.Description} failed: {ex.Message}", path, ex);
            }
        }

        public void WriteText(string path, string content)
        {
            Cancellation.ThrowIfCancellationRequested();
            Log.Verbose($"[{Transport.Description}] write {path} ({content.Length} chars, atomic)");
            RoundTrips++;
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
