using System;
using System.Diagnostics;
using System.Management.Automation;
using UberspaceFlask.Core;
using UberspaceFlask.Core.Releases;

namespace UberspaceFlask.Commands
{
    /// <summary>
    /// Get-FlaskLog: an app's log as line objects, published (the live slot, or -Slot) or of the guide's pipeline
    /// (the service of its name); -Follow writes new lines as they come until Ctrl+C or Stop-Job, which stop the
    /// follow on the host too.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "FlaskLog")]
    [OutputType(typeof(FlaskOutputLine))]
    public sealed class GetFlaskLogCommand : HostStepCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public string Name { get; set; }

        [Parameter]
        [ValidateRange(1, 100000)]
        public int Tail { get; set; } = 50;

        [Parameter]
        [ValidateSet("Stdout", "Stderr", "Both")]
        public string Stream { get; set; } = "Both";

        [Parameter]
        public SwitchParameter Follow { get; set; }

        [Parameter]
        [ValidateSet("a", "b")]
        public string Slot { get; set; }

        protected override void ProcessRecord()
        {
            Guard(Name, () =>
            {
                InputValidation.AppName(Name);
                var shell = OpenShell(Session);
                var service = AppLog.Service(Name, PublishProbe.Records(shell, Name), Slot);
                AppLog.Read(shell, service, Stream, Tail, Follow, l => WriteObject(new FlaskOutputLine
                {
                    App = Name, Source = service, Stream = l.Stream, Time = l.Time, Text = l.Text, Location = shell.Where,
                }));
            });
        }
    }

    /// <summary>
    /// Invoke-FlaskCommand: a one-off command (an argv) in a published app's live release, its folder and venv, with
    /// the app's secrets in its environment. Lines are written as they come; then a result with the exit status, and
    /// an error when it is not 0. No time limit: Ctrl+C stops it on the host.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "FlaskCommand")]
    [OutputType(typeof(FlaskOutputLine), typeof(FlaskCommandResult))]
    public sealed class InvokeFlaskCommandCommand : HostStepCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public string Name { get; set; }

        [Parameter(Mandatory = true, Position = 1)]
        public string[] Command { get; set; }

        protected override void ProcessRecord()
        {
            Guard(Name, () =>
            {
                InputValidation.AppName(Name);
                var words = InputValidation.CommandWords(Command, "InvalidCommand", "-Command");
                var shell = OpenShell(Session);
                var records = PublishProbe.Records(shell, Name);
                var clock = Stopwatch.StartNew();
                int code = AppCommand.Run(shell, Name, records, words, l => WriteObject(new FlaskOutputLine
                {
                    App = Name, Source = records.State.Current, Stream = l.Stream, Text = l.Text, Location = shell.Where,
                }), out string releaseId);
                WriteObject(new FlaskCommandResult
                {
                    App = Name, ReleaseId = releaseId, Command = words.ToArray(), ExitCode = code, Duration = clock.Elapsed,
                    Location = shell.Where, Session = Session,
                });
                if (code != 0)
                    WriteError(ToHostErrorRecord(new UberspaceException("CommandExitCode", FailureKind.InvalidOperation,
                        $"{CommandWords.Display(words)} exited {code} in release {releaseId} of {Name} on {shell.Where}.", code), Session));
            });
        }
    }
}
