using System.Linq;
using System.Management.Automation;
using UberspaceFlask.Core;
using UberspaceFlask.Core.Releases;

namespace UberspaceFlask.Commands
{
    /// <summary>Lists an app's releases: current, previous, good (went live once) and failed.</summary>
    [Cmdlet(VerbsCommon.Get, "FlaskRelease")]
    [OutputType(typeof(FlaskRelease))]
    public sealed class GetFlaskReleaseCommand : HostStepCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public string Name { get; set; }

        protected override void ProcessRecord()
        {
            Guard(Name, () =>
            {
                InputValidation.AppName(Name);
                var shell = OpenShell(Session);
                var facts = PublishProbe.Records(shell, Name);
                if (facts.LockIsCleanup) WriteWarning($"{shell.Where} is still cleaning up after the last publish of {Name}: {facts.LockHolder}. It holds the publish lock until it is done; a publish now waits for it.");
                else if (facts.LockHolder != null) WriteWarning($"A publish of {Name} holds the lock on {shell.Where}: {facts.LockHolder}. If that client is gone, publish with -BreakLock.");
                foreach (var r in facts.Releases.OrderByDescending(r => r.Id, System.StringComparer.Ordinal))
                    WriteObject(OutputMapper.Release(Name, r, facts.State, shell.Where, Session));
            });
        }
    }

    /// <summary>Removes old releases by the rules publishing prunes with (never current or previous), or the named ones.</summary>
    [Cmdlet(VerbsCommon.Remove, "FlaskRelease", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FlaskRelease))]
    public sealed class RemoveFlaskReleaseCommand : HostStepCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public string Name { get; set; }

        /// <summary>Releases to remove; without it, all but the newest KeepReleases good ones (and two failed).</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        public string[] ReleaseId { get; set; }

        [Parameter]
        public int KeepReleases { get; set; } = 5;

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            PublishFacts records = null;
            Step(Name, () =>
            {
                string name = InputValidation.AppName(Name);
                InputValidation.Range(KeepReleases, 2, 100, "InvalidKeepReleases", "-KeepReleases");
                return name;
            },
            (shell, name) => records = PublishProbe.Records(shell, name),
            (name, facts, shell) => ReleasePruning.Plan(facts, name, ReleaseId, KeepReleases), plan => plan.Changes, (shell, plan) =>
            {
                if (plan.Changes.Count == 0) return;
                ReleasePruning.Apply(shell, Name, plan);
                if (PassThru)
                    foreach (var id in plan.Releases)
                        WriteObject(OutputMapper.Release(Name, records.Release(id), records.State, shell.Where, Session));
            });
        }
    }
}
