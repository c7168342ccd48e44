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

        public CommandResult Run(string command, TimeSpan timeout, CancellationToken cancellation, string input = null)
        {
            if (command == null) throw new ArgumentNullException(nameof(command));
            // The script goes in on stdin, so no argument escaping is involved at all. The braces make sh read the
            // whole script before running any of it, and give the commands /dev/null as their stdin.
            // setsid puts the command in its own process group, so a stop kills the whole tree.
            var psi = new ProcessStartInfo("setsid", "/bin/sh -s")
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
            var sw = Stopwatch.StartNew();
            using (var p = Process.Start(psi))
            {
                Task<string> stdout = p.StandardOutput.ReadToEndAsync();
                Task<string> stderr = p.StandardError.ReadToEndAsync();
                p.StandardInput.Write("{ " + HostCommand.Prelude + "\n" + command + "\n} </dev/null\n");
                p.StandardInput.Close();
                var deadline = DateTime.UtcNow + timeout;
                while (!p.WaitForExit(50))
                {
                    if (cancellation.IsCancellationRequested || DateTime.UtcNow > deadline)
                    {
                        KillGroup(p.Id);
                        p.WaitForExit(5000);
                        if (cancellation.IsCancellationRequested)
                            throw new UberspaceException("CommandStopped", FailureKind.OperationStopped, "The command was stopped.", command);
                        throw new UberspaceException("CommandTimeout", FailureKind.OperationTimeout,
                            $"The command did not finish within {timeout.TotalSeconds:0} s and was stopped: {command}", command);
                    }
                }
                p.WaitForExit();
                return new CommandResult(command, p.ExitCode, stdout.Result, stderr.Result, sw.Elapsed);
            }
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
