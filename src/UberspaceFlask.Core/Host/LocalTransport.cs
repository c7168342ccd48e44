using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace UberspaceFlask.Core.Host
{
    /// <summary>Acts on the machine PowerShell runs on, as the current user (the Uberspace host itself).</summary>
    public sealed class LocalTransport : IHostTransport
    {
        public LocalTransport()
        {
            string home = Environment.GetEnvironmentVariable("HOME");
            if (string.IsNullOrEmpty(home)) home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            KnownHome = HostPaths.Normalize(home);
            Description = "local (" + Environment.UserName + ")";
        }

        public string Description { get; }
        public string KnownHome { get; private set; }
        public void LearnHome(string home) => KnownHome = home;

        public CommandResult Run(string command, TimeSpan timeout, CancellationToken cancellation, string input = null, HostPayload payload = null,
            Action<string, bool> output = null)
        {
            if (command == null) throw new ArgumentNullException(nameof(command));
            // The script goes in on stdin, so no argument escaping is involved at all. The braces make sh read the
            // whole script before running any of it, and give the commands /dev/null as their stdin.
            // setsid puts the command in its own process group, so a stop kills the whole tree.
            // With a payload, stdin carries the payload instead, and the script comes in an environment variable, which
            // only this account can read; it is unset before the script runs, so its own children do not inherit it.
            // .NET splits Arguments itself: the double quotes keep the -c text one word, \" puts a quote inside it.
            var psi = new ProcessStartInfo("setsid", payload == null ? "/bin/sh -s" : "/bin/sh -c \"uf_s=$UF_SCRIPT; unset UF_SCRIPT; eval \\\"$uf_s\\\"\"")
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardOutputEncoding = new UTF8Encoding(false),
                StandardErrorEncoding = new UTF8Encoding(false),
                WorkingDirectory = Directory.Exists(KnownHome) ? KnownHome : "/",
            };
            if (input != null) psi.EnvironmentVariables["UF_INPUT"] = input;
            if (payload != null) psi.EnvironmentVariables["UF_SCRIPT"] = "{ " + HostCommand.Prelude + "\n" + command + "\n}";
            var sw = Stopwatch.StartNew();
            using (var p = Process.Start(psi))
            {
                // The observer is called on this thread: the readers queue what they read, the wait loop hands it on.
                var arrived = new System.Collections.Concurrent.ConcurrentQueue<(string Text, bool Err)>();
                Task<string> stdout = Collect(p.StandardOutput, output == null ? null : (Action<string>)(t => arrived.Enqueue((t, false))));
                Task<string> stderr = Collect(p.StandardError, output == null ? null : (Action<string>)(t => arrived.Enqueue((t, true))));
                void Pass() { while (output != null && arrived.TryDequeue(out var c)) output(c.Text, c.Err); }
                var deadline = DateTime.UtcNow + timeout;
                if (payload == null)
                    p.StandardInput.Write("{ " + HostCommand.Prelude + "\n" + command + "\n} </dev/null\n");
                else
                    SendPayload(p, payload, command, deadline, timeout, cancellation);
                try { p.StandardInput.Close(); } catch (IOException) { /* the command ended without reading it all */ }

                while (!p.WaitForExit(50))
                {
                    Pass();
                    if (cancellation.IsCancellationRequested || DateTime.UtcNow > deadline)
                    {
                        KillGroup(p.Id);
                        p.WaitForExit(5000);
                        if (cancellation.IsCancellationRequested)
                            throw HostErrors.CommandStopped("The command was stopped.", command);
                        throw HostErrors.CommandTimeout($"The command did not finish within {timeout.TotalSeconds:0} s and was stopped: {command}", command);
                    }
                }
                p.WaitForExit();
                string o = stdout.Result, e = stderr.Result;
                Pass();
                return new CommandResult(command, p.ExitCode, o, e, sw.Elapsed);
            }
        }

        static void SendPayload(Process p, HostPayload payload, string command, DateTime deadline, TimeSpan timeout, CancellationToken cancellation)
        {
            var guarded = new GuardedStream(p.StandardInput.BaseStream, () =>
            {
                if (cancellation.IsCancellationRequested || DateTime.UtcNow > deadline)
                {
                    KillGroup(p.Id);
                    if (cancellation.IsCancellationRequested)
                        throw HostErrors.CommandStopped("The command was stopped.", command);
                    throw HostErrors.CommandTimeout($"The command did not finish within {timeout.TotalSeconds:0} s and was stopped: {command}", command);
                }
            });
            try
            {
                payload.Write(guarded);
                p.StandardInput.BaseStream.Flush();
            }
            catch (IOException) when (p.HasExited)
            {
                // It stopped reading (broken pipe): its exit status says why.
            }
            catch (Exception ex) when (!(ex is UberspaceException u && (u.Kind == FailureKind.OperationStopped || u.Kind == FailureKind.OperationTimeout)))
            {
                // The writer gave up: the command sees its stdin end early, as over SSH.
                try { p.StandardInput.Close(); } catch (IOException) { }
                p.WaitForExit(5000);
                throw;
            }
        }

        /// <summary>Reads a stream to its end, handing each piece to seen (when given) as it comes.</summary>
        static async Task<string> Collect(StreamReader reader, Action<string> seen)
        {
            if (seen == null) return await reader.ReadToEndAsync().ConfigureAwait(false);
            var all = new StringBuilder();
            var buffer = new char[8192];
            int n;
            while ((n = await reader.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false)) > 0)
            {
                var piece = new string(buffer, 0, n);
                all.Append(piece);
                seen(piece);
            }
            return all.ToString();
        }

        static void KillGroup(int pid)
        {
            try
            {
                using (var k = Process.Start(new ProcessStartInfo("kill", "-KILL -- -" + pid) { UseShellExecute = false, RedirectStandardError = true }))
                    k.WaitForExit(5000);
            }
            catch (Exception) { /* best effort: the group may already be gone */ }
        }

        public void Dispose() { }
    }
}
