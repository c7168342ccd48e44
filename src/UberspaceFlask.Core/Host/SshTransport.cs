using System;
using System.Text;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using Renci.SshNet;
using Renci.SshNet.Common;
using UberspaceFlask.Core.Ssh;

namespace UberspaceFlask.Core.Host
{
    /// <summary>
    /// A host reached over SSH: every command, file writes included (host scripts write a temporary file and rename
    /// it), is an exec channel on the one connection. No SFTP: SSH.NET resolves SFTP paths on the server before a
    /// rename, which followed symbolic links, and it opens SFTP on a second connection.
    /// </summary>
    public sealed class SshTransport : IHostTransport
    {
        readonly SshClient _ssh;
        readonly SshOptions _options;
        readonly SshTarget _target;
        readonly HostKeyVerdict _hostKey;
        readonly object _gate = new object();
        bool _disposed;

        internal SshTransport(SshClient ssh, SshOptions options, SshTarget target, HostKeyVerdict hostKey)
        {
            _ssh = ssh; _options = options; _target = target; _hostKey = hostKey;
            Description = $"{target.UserName}@{target.HostName}:{target.Port}";
        }

        public string Description { get; }
        /// <summary>Learnt from the first script the session runs; opening the session runs no command.</summary>
        public string KnownHome { get; private set; }
        public void LearnHome(string home) => KnownHome = home;
        public SshTarget Target => _target;
        public string HostKeyFingerprint => _hostKey?.Fingerprint;
        public string HostKeyType => _hostKey?.KeyType;
        public bool HostKeyRecorded => _hostKey?.Recorded == true;
        /// <summary>How the session logged in: "agent key ED25519 SHA256:...", "key file PATH" or "password"; never a secret.</summary>
        public string AuthenticatedWith => _target.Authentication.Used ?? (_options.Password != null ? "password" : null);
        public bool IsConnected => !_disposed && _ssh.IsConnected;

        /// <summary>
        /// Wraps a command so it dies with its channel: it runs in its own process group, and a watcher kills that
        /// group when the channel's stdin closes (Ctrl+C and timeouts close it; so does a dropped connection).
        /// With a payload of payloadLength bytes, the command's stdin is a FIFO fed by `head -c`, which reads exactly
        /// those bytes off the channel and no more; the watcher starts after it, so the two never read the same bytes.
        /// A stream cut short (a dropped connection, Ctrl+C) reaches the command as an early end of its stdin.
        /// </summary>
        public static string Wrap(string command, bool withInput = false, long? payloadLength = null)
        {
            string inner = HostCommand.Prelude + "\n" + command;
            string start = payloadLength == null
                ? "setsid /bin/sh -c " + ShellQuote.Quote(inner) + " 3<&- & c=$!; "
                : "d=$(mktemp -d) && mkfifo \"$d/p\" || exit 91; " +
                  "setsid /bin/sh -c " + ShellQuote.Quote(inner) + " <\"$d/p\" 3<&- & c=$!; " +
                  "head -c " + payloadLength.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) + " <&3 >\"$d/p\" 2>/dev/null; rm -rf \"$d\"; ";
            // The input line comes first on stdin; read(1) takes it byte by byte, leaving the rest for the watcher.
            return (withInput ? "IFS= read -r UF_INPUT || exit 90; export UF_INPUT; " : "") +
                   "exec 3<&0 </dev/null; " + start +
                   "{ cat <&3 >/dev/null 2>&1; kill -TERM -$c 2>/dev/null; sleep 2; kill -KILL -$c 2>/dev/null; } >/dev/null 2>&1 & w=$!; " +
                   "exec 3<&-; wait $c; s=$?; kill $w 2>/dev/null; exit $s";
        }

        public CommandResult Run(string command, TimeSpan timeout, CancellationToken cancellation, string input = null, HostPayload payload = null,
            Action<string, bool> output = null)
        {
            lock (_gate)
            {
                ThrowIfClosed();
                var sw = Stopwatch.StartNew();
                SshCommand current = null;
                try
                {
                    using (var cmd = _ssh.CreateCommand(Wrap(command, input != null, payload?.Length)))
                    {
                        current = cmd;
                        var ar = cmd.BeginExecute();
                        var deadline = DateTime.UtcNow + timeout;
                        // What was handed to the observer is gone from SSH.NET's pipes: kept here for the result.
                        var seenOut = new StringBuilder();
                        var seenErr = new StringBuilder();
                        var outText = new UTF8Decoder();
                        var errText = new UTF8Decoder();
                        void Pass()
                        {
                            if (output == null) return;
                            string o = outText.Take(cmd.OutputStream), e = errText.Take(cmd.ExtendedOutputStream);
                            if (o.Length > 0) { seenOut.Append(o); output(o, false); }
                            if (e.Length > 0) { seenErr.Append(e); output(e, true); }
                        }
                        using (var stdin = InputOf(cmd, ar))
                        {
                            if (stdin != null && input != null)
                            {
                                var line = System.Text.Encoding.UTF8.GetBytes(input + "\n");
                                stdin.Write(line, 0, line.Length);
                                stdin.Flush();
                            }
                            if (stdin != null && payload != null) SendPayload(command, payload, stdin, ar, deadline, timeout, cancellation);
                            while (!ar.AsyncWaitHandle.WaitOne(50))
                            {
                                Pass();
                                bool stop = cancellation.IsCancellationRequested;
                                if (stop || DateTime.UtcNow > deadline || !_ssh.IsConnected)
                                {
                                    if (!_ssh.IsConnected) throw Lost(null, Arrived(cmd));
                                    stdin?.Dispose(); // EOF: the watcher on the host kills the command's process group
                                    ar.AsyncWaitHandle.WaitOne(5000);
                                    if (stop) throw HostErrors.CommandStopped($"The command was stopped on {Description}.", command);
                                    throw HostErrors.CommandTimeout($"The command did not finish within {timeout.TotalSeconds:0} s on {Description} and was stopped there: {command}", command);
                                }
                            }
                        }
                        cmd.EndExecute(ar);
                        Pass();
                        string rest = cmd.Result, restErr = cmd.Error;
                        if (output != null && rest.Length > 0) output(rest, false);
                        if (output != null && restErr.Length > 0) output(restErr, true);
                        return new CommandResult(command, cmd.ExitStatus ?? -1, seenOut + rest, seenErr + restErr, sw.Elapsed);
                    }
                }
                catch (Exception ex) when (IsConnectionFailure(ex))
                {
                    throw Lost(ex, Arrived(current));
                }
            }
        }

        /// <summary>
        /// The command's stdin; null when the command ended before it could be opened (SSH.NET opens it only while the
        /// command runs, and a quick one that takes no input can be done by then): its exit status says the rest.
        /// </summary>
        static Stream InputOf(SshCommand cmd, IAsyncResult ar)
        {
            try { return cmd.CreateInputStream(); }
            catch (InvalidOperationException) when (ar.IsCompleted) { return null; }
        }

        /// <summary>
        /// Streams the payload into the channel. Stops early without an error when the command has already ended (it
        /// stopped reading: its exit status says why); on Ctrl+C, a timeout or a writer that gives up, closes stdin so
        /// the host sees a short stream and the watcher stops the command, then throws.
        /// </summary>
        void SendPayload(string command, HostPayload payload, Stream stdin, IAsyncResult ar, DateTime deadline, TimeSpan timeout, CancellationToken cancellation)
        {
            var guarded = new GuardedStream(stdin, () =>
            {
                if (ar.IsCompleted) throw new PayloadRefused();
                if (cancellation.IsCancellationRequested)
                    throw HostErrors.CommandStopped($"The command was stopped on {Description}.", command);
                if (DateTime.UtcNow > deadline)
                    throw HostErrors.CommandTimeout($"The command did not finish within {timeout.TotalSeconds:0} s on {Description} and was stopped there: {command}", command);
            });
            try
            {
                payload.Write(guarded);
                stdin.Flush();
            }
            catch (PayloadRefused)
            {
            }
            catch (Exception ex) when (ar.IsCompleted && !(ex is UberspaceException))
            {
                // The channel closed under the write because the command ended: its exit status tells the rest.
            }
            catch (Exception ex) when (!IsConnectionFailure(ex) || _ssh.IsConnected)
            {
                stdin.Dispose();
                ar.AsyncWaitHandle.WaitOne(5000);
                throw;
            }
        }

        sealed class PayloadRefused : Exception { }

        static bool IsConnectionFailure(Exception ex) =>
            ex is SshConnectionException || ex is SocketException || ex is ObjectDisposedException
            || (ex is SshException && ex.Message.IndexOf("not connected", StringComparison.OrdinalIgnoreCase) >= 0)
            || (ex is InvalidOperationException && ex.Message.IndexOf("not connected", StringComparison.OrdinalIgnoreCase) >= 0);

        UberspaceException Lost(Exception inner, string arrived)
        {
            var e = HostErrors.ConnectionLost($"The SSH connection to {Description} was lost{(inner != null ? ": " + inner.Message : "")}. Files are written to a temporary file and renamed, so none is half-written; " +
                "open a new session (New-UberspaceSession) and run the step again.", Description, inner);
            e.PartialStdout = arrived;
            return e;
        }

        /// <summary>
        /// The stdout that had arrived when the connection went, read without waiting: SSH.NET's output pipe says how
        /// many bytes it holds (Length), and a read of no more than those returns at once.
        /// </summary>
        static string Arrived(SshCommand cmd)
        {
            try
            {
                var pipe = cmd?.OutputStream;
                long n = pipe == null ? 0 : pipe.Length;
                if (n <= 0) return "";
                var buffer = new byte[n];
                int got = 0;
                while (got < n)
                {
                    int k = pipe.Read(buffer, got, (int)(n - got));
                    if (k <= 0) break;
                    got += k;
                }
                return System.Text.Encoding.UTF8.GetString(buffer, 0, got);
            }
            catch (Exception)
            {
                return "";
            }
        }

        void ThrowIfClosed()
        {
            if (_disposed)
                throw HostErrors.SessionClosed($"The session to {Description} is closed. Open a new one with New-UberspaceSession.", Description);
        }

        public void Dispose()
        {
            lock (_gate)
            {
                if (_disposed) return;
                _disposed = true;
                try { _ssh.Dispose(); } catch (Exception) { }
            }
        }
    }

    /// <summary>
    /// Text from one of SSH.NET's output pipes as far as it has arrived, read without waiting (the pipe's Length is what
    /// it holds; a read of no more than that returns at once); a character split between two reads is kept for the next.
    /// </summary>
    sealed class UTF8Decoder
    {
        readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();

        public string Take(System.IO.Stream pipe)
        {
            long n;
            try { n = pipe.Length; } catch (Exception) { return ""; }
            if (n <= 0) return "";
            var bytes = new byte[n];
            int got = pipe.Read(bytes, 0, (int)n);
            var chars = new char[_decoder.GetCharCount(bytes, 0, got)];
            int count = _decoder.GetChars(bytes, 0, got, chars, 0);
            return new string(chars, 0, count);
        }
    }
}
