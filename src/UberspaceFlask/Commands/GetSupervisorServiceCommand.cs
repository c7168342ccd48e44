using System.Linq;
using System.Management.Automation;
using UberspaceFlask.Core;
using UberspaceFlask.Core.Supervisor;

namespace UberspaceFlask.Commands
{
    /// <summary>Lists supervisord programs with their state, pid and uptime.</summary>
    [Cmdlet(VerbsCommon.Get, "SupervisorService")]
    [OutputType(typeof(SupervisorService))]
    public sealed class GetSupervisorServiceCommand : HostStepCmdlet
    {
        /// <summary>Names, wildcards allowed.</summary>
        [Parameter(Position = 0)]
        [ArgumentCompleter(typeof(ServiceNameCompleter))]
        [SupportsWildcards]
        public string[] Name { get; set; }

        protected override void ProcessRecord()
        {
            Guard(Name, () =>
            {
                var shell = OpenShell(Session);
                var patterns = (Name ?? new[] { "*" }).Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
                var all = SupervisorServices.List(shell);
                foreach (var i in all.Where(i => patterns.Any(p => p.IsMatch(i.Status.Name))))
                {
                    Session?.SawService(i.Status.Name);
                    WriteObject(OutputMapper.Service(i, shell.Where, Session));
                }
                foreach (var n in Name ?? new string[0])
                    if (!WildcardPattern.ContainsWildcardCharacters(n) && !all.Any(i => i.Status.Name == n))
                        WriteError(ToErrorRecord(HostErrors.ServiceNotFound(n, shell.Where), n));
            });
        }
    }
}
