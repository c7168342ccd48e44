using System;
using System.Management.Automation;
using UberspaceFlask.Core;

namespace UberspaceFlask.Commands
{
    /// <summary>Runs an ad-hoc shell command on the host. The command text is the user's own and runs as written.</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "UberspaceCommand", SupportsShouldProcess = true)]
    [OutputType(typeof(UberspaceCommandResult))]
    public sealed class InvokeUberspaceCommandCommand : HostStepCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        public string Command { get; set; }

        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSeconds { get; set; } = 600;

        /// <summary>Return the result without an error record when the exit status is not 0.</summary>
        [Parameter]
        public SwitchParameter IgnoreExitStatus { get; set; }

        protected override void ProcessRecord()
        {
            Guard(Command, () =>
            {
                var shell = OpenShell(Session);
                if (!ShouldProcess(shell.Where, "Run: " + Command)) return;
                var r = shell.Run(Command, TimeSpan.FromSeconds(TimeoutSeconds));
                var result = new UberspaceCommandResult
                {
                    Command = Command,
                    ExitStatus = r.ExitStatus,
                    Stdout = r.Stdout,
                    Stderr = r.Stderr,
                    Duration = r.Duration,
                    Location = shell.Where,
                };
                WriteObject(result);
                if (r.ExitStatus != 0 && !IgnoreExitStatus)
                {
                    var ex = new UberspaceException("CommandFailed", FailureKind.InvalidOperation,
                        $"The command exited with status {r.ExitStatus} on {shell.Where}: {r.Stderr.Trim()}", result) { Detail = r.Stderr };
                    WriteError(ToErrorRecord(ex, result));
                }
            });
        }
    }
}
