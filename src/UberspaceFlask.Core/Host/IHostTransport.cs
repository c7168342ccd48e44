using System;
using System.Threading;

namespace UberspaceFlask.Core.Host
{
    /// <summary>
    /// Everything that touches a machine goes through this seam; the local machine and an SSH session each
    /// implement it, and nothing above it knows which one it has. Files are written by host scripts
    /// (tmp file and rename on the host), so both transports behave the same way.
    /// </summary>
    public interface IHostTransport : IDisposable
    {
        /// <summary>Who and where, for messages: "local (isabell)" or "isabell@host:22".</summary>
        string Description { get; }

        /// <summary>
        /// The account's home directory (absolute, normalised), or null until a script has reported it: opening a
        /// session runs no command of its own, the first probe brings the home along.
        /// </summary>
        string KnownHome { get; }

        /// <summary>Records the home a script reported.</summary>
        void LearnHome(string home);

        /// <summary>
        /// Runs a POSIX sh command line with ~/bin on PATH, in the home directory, with no stdin.
        /// Cancelling or timing out stops the command on the host. input (one line, or null) reaches the command as the
        /// environment variable UF_INPUT, never in an argument list, which every account on a host can read.
        /// payload (or null) is the command's stdin: exactly its Length bytes, streamed as they are written, so
        /// sending them costs bytes, not round trips. A command that stops reading early just ends the stream.
        /// output (or null) sees the command's output as it arrives, on the calling thread: each chunk of text with
        /// true for stderr. The result still holds all of it.
        /// </summary>
        CommandResult Run(string command, TimeSpan timeout, CancellationToken cancellation, string input = null, HostPayload payload = null,
            Action<string, bool> output = null);
    }

    /// <summary>Bytes for a command's stdin: the exact length up front (the host reads that many), then a writer.</summary>
    public sealed class HostPayload
    {
        public HostPayload(long length, Action<System.IO.Stream> write)
        {
            if (length < 0) throw new ArgumentOutOfRangeException(nameof(length));
            Length = length; Write = write ?? throw new ArgumentNullException(nameof(write));
        }
        public long Length { get; }
        /// <summary>Writes exactly Length bytes to the stream; throws to abort (the host then sees a short stream).</summary>
        public Action<System.IO.Stream> Write { get; }
    }

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

    public static class HostCommand
    {
        /// <summary>
        /// The prefix every command gets: user tools in ~/bin and ~/.local/bin come first, as in an Uberspace login shell,
        /// and a predictable locale so output parses the same everywhere.
        /// </summary>
        public const string Prelude = "PATH=\"$HOME/bin:$HOME/.local/bin:$PATH\"; export PATH; LC_ALL=C.UTF-8; export LC_ALL; cd || exit 1; ";

        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);
    }
}
