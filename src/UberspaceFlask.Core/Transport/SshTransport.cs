using System;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using Renci.SshNet;
using Renci.SshNet.Common;
using Renci.SshNet.Sftp;
using UberspaceFlask.Core.Ssh;

namespace UberspaceFlask.Core.Transport
{
    /// <summary>
    /// A host reached over SSH: commands on one exec connection, files over SFTP (SSH.NET opens SFTP on a
    /// connection of its own; both are opened once per session and reused).
    /// </summary>
    public sealed class SshTransport : IHostTransport
    {
        readonly SshClient _ssh;
        readonly SshOptions _options;
        readonly SshTarget _target;
        readonly HostKeyVerdict _hostKey;
        readonly object _gate = new object();
        SftpClient _sftp;
        bool _disposed;

        internal SshTransport(SshClient ssh, SshOptions options, SshTarget target, HostKeyVerdict hostKey)
        {
            _ssh = ssh; _options = options; _target = target; _hostKey = hostKey;
            Description = $"{target.UserName}@{target.HostName}:{target.Port}";
            var r = Run("printf '%s' \"$HOME\"", TimeSpan.FromSeconds(30), CancellationToken.None);
            if (r.ExitStatus != 0 || !r.Stdout.StartsWith("/", StringComparison.Ordinal))
                throw new UberspaceException("HomeNotFound", FailureKind.InvalidOperation, $"Could not read $HOME on {Description}: {r.CombinedOutput}", Description);
            HomeDirectory = r.Stdout.TrimEnd('/');
        }

        public string Description { get; }
        public string HomeDirectory { get; }
        public HostCache Cache { get; } = new HostCache();
        public SshTarget Target => _target;
        public string HostKeyFingerprint => _hostKey?.Fingerprint;
        public string HostKeyType => _hostKey?.KeyType;
        public bool HostKeyRecorded => _hostKey?.Recorded == true;
        public bool IsConnected => !_disposed && _ssh.IsConnected;

        /// <summary>
        /// Wraps a command so it dies with its channel: it runs in its own process group, and a watcher kills that
        /// group when the channel's stdin closes (Ctrl+C and timeouts close it; so does a dropped connection).
        /// </summary>
        public static string Wrap(string command)
        {
            string inner = HostCommand.Prelude + "\n" + command;
            return "exec 3<&0 </dev/null; " +
                   "setsid /bin/sh -c " + ShellQuote.Quote(inner) + " 3<&- & c=$!; " +
                   "{ cat <&3 >/dev/null 2>&1; kill -TERM -$c 2>/dev/null; sleep 2; kill -KILL -$c 2>/dev/null; } >/dev/null 2>&1 & w=$!; " +
                   "exec 3<&-; wait $c; s=$?; kill $w 2>/dev/null; exit $s";
        }

        public CommandResult Run(string command, TimeSpan timeout, CancellationToken cancellation)
        {
            lock (_gate)
            {
                ThrowIfClosed();
                var sw = Stopwatch.StartNew();
                try
                {
                    using (var cmd = _ssh.CreateCommand(Wrap(command)))
                    {
                        var ar = cmd.BeginExecute();
                        using (var stdin = cmd.CreateInputStream())
                        {
                            var deadline = DateTime.UtcNow + timeout;
                            while (!ar.AsyncWaitHandle.WaitOne(50))
                            {
                                bool stop = cancellation.IsCancellationRequested;
                                if (stop || DateTime.UtcNow > deadline || !_ssh.IsConnected)
                                {
                                    if (!_ssh.IsConnected) throw Lost(null);
                                    stdin.Dispose(); // EOF: the watcher on the host kills the command's process group
                                    ar.AsyncWaitHandle.WaitOne(5000);
                                    if (stop) throw new UberspaceException("CommandStopped", FailureKind.OperationStopped, $"The command was stopped on {Description}.", command);
                                    throw new UberspaceException("CommandTimeout", FailureKind.OperationTimeout,
                                        $"The command did not finish within {timeout.TotalSeconds:0} s on {Description} and was stopped there: {command}", command);
                                }
                            }
                        }
                        cmd.EndExecute(ar);
                        return new CommandResult(command, cmd.ExitStatus ?? -1, cmd.Result, cmd.Error, sw.Elapsed);
                    }
                }
                catch (Exception ex) when (IsConnectionFailure(ex))
                {
                    throw Lost(ex);
                }
            }
        }

        SftpClient Sftp()
        {
            if (_sftp != null && _sftp.IsConnected) return _sftp;
            _sftp?.Dispose();
            var client = new SftpClient(SshConnector.BuildConnectionInfo(_options, _target));
            SshConnector.Connect(client, _options, _target, _hostKey);
            _sftp = client;
            return _sftp;
        }

        public void WriteFileAtomic(string path, byte[] content)
        {
            lock (_gate)
            {
                ThrowIfClosed();
                string tmp = HostPaths.Parent(path) + "/." + HostPaths.FileName(path) + ".uf-" + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp";
                SftpClient sftp = null;
                try
                {
                    sftp = Sftp();
                    // SSH.NET takes the mode as chmod writes it (644), not as bits: 0644, or the mode of the file being replaced.
                    short mode = 644;
                    try { mode = ModeOf(sftp.GetAttributes(path)); }
                    catch (SftpPathNotFoundException) { }
                    using (var s = sftp.Create(tmp)) s.Write(content, 0, content.Length);
                    sftp.ChangePermissions(tmp, mode);
                    sftp.RenameFile(tmp, path, true); // posix-rename@openssh.com: replaces the target atomically
                }
                catch (Exception ex) when (IsConnectionFailure(ex))
                {
                    throw Lost(ex);
                }
                catch (SshException ex)
                {
                    try { sftp?.DeleteFile(tmp); } catch (SshException) { }
                    throw new IOException(ex.Message, ex);
                }
            }
        }

        /// <summary>The permission bits in chmod's octal digits (rw-r----- -> 640), the form ChangePermissions takes.</summary>
        static short ModeOf(SftpFileAttributes a)
        {
            int Digit(bool r, bool w, bool x) => (r ? 4 : 0) + (w ? 2 : 0) + (x ? 1 : 0);
            return (short)(Digit(a.OwnerCanRead, a.OwnerCanWrite, a.OwnerCanExecute) * 100
                           + Digit(a.GroupCanRead, a.GroupCanWrite, a.GroupCanExecute) * 10
                           + Digit(a.OthersCanRead, a.OthersCanWrite, a.OthersCanExecute));
        }

        static bool IsConnectionFailure(Exception ex) =>
            ex is SshConnectionException || ex is SocketException || ex is ObjectDisposedException
            || (ex is SshException && ex.Message.IndexOf("not connected", StringComparison.OrdinalIgnoreCase) >= 0)
            || (ex is InvalidOperationException && ex.Message.IndexOf("not connected", StringComparison.OrdinalIgnoreCase) >= 0);

        UberspaceException Lost(Exception inner) =>
            new UberspaceException("ConnectionLost", FailureKind.ConnectionError,
                $"The SSH connection to {Description} was lost{(inner != null ? ": " + inner.Message : "")}. Files are written atomically, so none is half-written; " +
                "open a new session (New-UberspaceSession) and run the step again.", Description, inner);

        void ThrowIfClosed()
        {
            if (_disposed)
                throw new UberspaceException("SessionClosed", FailureKind.InvalidOperation, $"The session to {Description} is closed. Open a new one with New-UberspaceSession.", Description);
        }

        public void Dispose()
        {
            lock (_gate)
            {
                if (_disposed) return;
                _disposed = true;
                try { _sftp?.Dispose(); } catch (Exception) { }
                try { _ssh.Dispose(); } catch (Exception) { }
            }
        }
    }
}
