using System.Management.Automation;

namespace UberspaceFlask.Commands
{
    /// <summary>Closes a session's SSH and SFTP connections.</summary>
    [Cmdlet(VerbsCommon.Remove, "UberspaceSession")]
    [OutputType(typeof(void))]
    public sealed class RemoveUberspaceSessionCommand : UberspaceCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SessionCompleter))]
        public UberspaceSession[] Session { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var s in Session)
            {
                if (s == null) continue;
                WriteVerbose($"Closing {s}.");
                s.Dispose();
            }
        }
    }
}
