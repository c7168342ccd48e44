using System;
using System.Collections.Generic;
using System.Threading;

namespace UberspaceFlask.Core.Transport
{
    /// <summary>The result of one command run on a host.</summary>
    public sealed class CommandResult
    {
        public CommandResult(string command, int exitStatus, string stdout, string stderr, TimeSpan duration)
        {
            Command = command; ExitStatus = exitStatus; Stdout = stdout ?? ""; Stderr = stderr ?? ""; Duration = duration;
        }
        public string Command { get; }
        public int ExitStatus { get; }
        public string Stdout { get; }
        public string Stderr { get; }
        public TimeSpan Duration { get; }
        public bool Succeeded => ExitStatus == 0;
        /// <summary>Stdout and stderr together, for error messages.</summary>
        public string CombinedOutput => (Stdout.TrimEnd() + "\n" + Stderr.TrimEnd()).Trim();
    }

    /// <summary>
    /// Everything that touches a machine goes through this seam; the local machine and an SSH session each
    /// implement it, and nothing above it knows which one it has.
    /// </summary>
    public interface IHostTransport : IDisposable
    {
        /// <summary>Who and where, for messages: "local (isabell)" or "isabell@host:22".</summary>
        string Description { get; }

        /// <summary>The account's home directory on the host (absolute).</summary>
        string HomeDirectory { get; }

        /// <summary>
        /// Runs a POSIX sh command line (built with <see cref="ShellQuote"/>) with ~/bin on PATH and no stdin.
        /// Cancelling or timing out stops the command on the host.
        /// </summary>
        CommandResult Run(string command, TimeSpan timeout, CancellationToken cancellation);

        // Files are read by commands (HostShell.RunProbe), batched with the probe each step runs anyway.

        /// <summary>Writes a file so that readers see the old or the new content, never a part: temp file in the same directory, then rename.</summary>
        void WriteFileAtomic(string path, byte[] content);

        /// <summary>Short-lived hand-over between the steps of one pipeline on this connection (see <see cref="HostCache"/>).</summary>
        HostCache Cache { get; }
    }

    /// <summary>
    /// What one step already read and the next step needs, handed over once and only while fresh, so a no-op
    /// re-run of the pipeline costs fewer round trips. It belongs to one connection (one session), never global.
    /// </summary>
    public sealed class HostCache
    {
        readonly object _gate = new object();
        readonly Dictionary<string, (string value, DateTime at)> _items = new Dictionary<string, (string, DateTime)>();

        public void Put(string key, string value)
        {
            lock (_gate) _items[key] = (value, DateTime.UtcNow);
        }

        /// <summary>Takes the value if it is younger than maxAge; it is gone afterwards either way.</summary>
        public string Take(string key, TimeSpan maxAge)
        {
            lock (_gate)
            {
                if (!_items.TryGetValue(key, out var item)) return null;
                _items.Remove(key);
                return DateTime.UtcNow - item.at <= maxAge ? item.value : null;
            }
        }

        public void Forget(string key)
        {
            lock (_gate) _items.Remove(key);
        }
    }

    public static class HostCommand
    {
        /// <summary>
        /// The prefix every command gets: user tools in ~/bin and ~/.local/bin come first, as in an Uberspace login shell,
        /// and a predictable locale so output parses the same everywhere.
        /// </summary>
        public const string Prelude = "PATH=\"$HOME/bin:$HOME/.local/bin:$PATH\"; export PATH; LC_ALL=C.UTF-8; export LC_ALL; ";

        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);
    }
}
