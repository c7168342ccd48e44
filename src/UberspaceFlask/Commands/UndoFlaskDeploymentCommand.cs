using System;
using System.Management.Automation;
using UberspaceFlask.Core;
using UberspaceFlask.Core.Releases;

namespace UberspaceFlask.Commands
{
    /// <summary>Puts the previous good release (or the named one) live again, through the same health gate and switch; no pip.</summary>
    [Cmdlet(VerbsCommon.Undo, "FlaskDeployment", SupportsShouldProcess = true)]
    [OutputType(typeof(FlaskPublishResult))]
    public sealed class UndoFlaskDeploymentCommand : HostStepCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public string Name { get; set; }

        /// <summary>The release to go back to (default: the previous one).</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        public string ReleaseId { get; set; }

        [Parameter]
        public string HealthPath { get; set; } = "/";

        [Parameter]
        public int HealthTimeoutSeconds { get; set; } = 60;

        [Parameter]
        public string WebPath { get; set; } = "/";

        [Parameter]
        public string Domain { get; set; }

        [Parameter]
        public int Processes { get; set; } = 2;

        [Parameter]
        public int Threads { get; set; }

        [Parameter]
        public string FrontendUrl { get; set; }

        [Parameter]
        public string UwsgiPath { get; set; }

        [Parameter]
        [AllowEmptyCollection]
        public string[] Plugin { get; set; }

        [Parameter]
        public int GraceSeconds { get; set; } = 2;

        [Parameter]
        public SwitchParameter BreakLock { get; set; }

        /// <summary>Replace a slot's uwsgi ini or service ini edited by hand (the old content is kept as FILE.uf-backup).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Run the release command (an argv) in the release that goes back live, before its slot starts; an
        /// undo runs none unless asked.</summary>
        [Parameter]
        public string[] ReleaseCommand { get; set; }

        protected override void ProcessRecord()
        {
            // What is not given is put back the way it was published (the state file says how). Every value that is
            // given is checked before any round trip: the same spec is built once over an empty state first.
            PublishSpec Spec(PublishState st) => PublishSpec.AsPublished(Name, st, IsBound(nameof(WebPath)) ? WebPath : null,
                IsBound(nameof(Domain)) ? Domain : null, IsBound(nameof(HealthPath)) ? HealthPath : null, HealthTimeoutSeconds,
                IsBound(nameof(Processes)) ? Processes : (int?)null, IsBound(nameof(Threads)) ? Threads : (int?)null, FrontendUrl, UwsgiPath,
                IsBound(nameof(Plugin)) ? (Plugin ?? new string[0]) : null, GraceSeconds, Force, ReleaseCommand);
            Step(Name, () =>
            {
                if (!string.IsNullOrEmpty(ReleaseId) && !ReleaseInfo.IsId(ReleaseId))
                    throw new UberspaceException("InvalidReleaseId", FailureKind.InvalidArgument, $"'{InputValidation.Show(ReleaseId)}' is not a release id (see Get-FlaskRelease).", ReleaseId);
                return Spec(new PublishState());
            },
            (shell, given) => PublishProbe.Run(shell, Name, "python3", given.UwsgiPath),
            (given, facts, shell) => PublishPlanner.PlanUndo(Spec(facts.State), facts, string.IsNullOrEmpty(ReleaseId) ? null : ReleaseId, BreakLock, Session?.FrontendUrl),
            plan => plan.Unchanged ? null : plan.Changes,
            (shell, plan) =>
            {
                var result = Publisher.Apply(shell, plan);
                WriteObject(OutputMapper.Publish(result, Session));
                if (result.Error != null) WriteError(ToHostErrorRecord(result.Error, Session));
            });
        }
    }
}
