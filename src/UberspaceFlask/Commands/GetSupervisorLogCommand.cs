using System.Management.Automation;
using UberspaceFlask.Core;
using UberspaceFlask.Core.Supervisor;

namespace UberspaceFlask.Commands
{
    /// <summary>The end of a supervisord program's stdout or stderr log (`supervisorctl tail`).</summary>
    [Cmdlet(VerbsCommon.Get, "SupervisorLog")]
    [OutputType(typeof(string))]
    public sealed class GetSupervisorLogCommand : HostStepCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ServiceNameCompleter))]
        public string Name { get; set; }

        [Parameter]
        public SupervisorLogStream Stream { get; set; } = SupervisorLogStream.Stderr;

        [Parameter]
        [ValidateRange(1, 1048576)]
        public int Bytes { get; set; } = 4000;

        protected override void ProcessRecord()
        {
            Guard(Name, () =>
            {
                InputValidation.ServiceName(Name);
                var shell = OpenShell(Session);
                string text = SupervisorServices.Log(shell, Name, Stream == SupervisorLogStream.Stderr ? LogStream.Stderr : LogStream.Stdout, Bytes);
                foreach (var line in text.TrimEnd('\n').Split('\n')) WriteObject(line);
            });
        }
    }
}
