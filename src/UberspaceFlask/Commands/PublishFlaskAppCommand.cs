using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using UberspaceFlask.Core;
using UberspaceFlask.Core.Host;
using UberspaceFlask.Core.Releases;

namespace UberspaceFlask.Commands
{
    /// <summary>
    /// Puts a Flask project live as a new release: upload what changed, venv, gate 1 (import and a test request),
    /// gate 2 (the idle slot answers on its port), switch the web backend, keep the previous release for Undo.
    /// Sessions piped in are published in parallel; each host gets its own result and, on failure, its own error.
    /// </summary>
    [Cmdlet(VerbsData.Publish, "FlaskApp", SupportsShouldProcess = true)]
    [OutputType(typeof(FlaskPublishResult))]
    public sealed class PublishFlaskAppCommand : UberspaceCmdlet
    {
        readonly List<UberspaceSession> _sessions = new List<UberspaceSession>();
        bool _local;

        [Parameter(Mandatory = true, Position = 0)]
        public string Name { get; set; }

        /// <summary>The project folder on this machine.</summary>
        [Parameter(Position = 1)]
        public string Path { get; set; } = ".";

        [Parameter(ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SessionCompleter))]
        public UberspaceSession[] Session { get; set; }

        /// <summary>module:attribute or module:factory(); found as `flask` finds it when not given.</summary>
        [Parameter]
        public string Entry { get; set; }

        /// <summary>The requirements file, relative to the project (requirements.txt when it exists).</summary>
        [Parameter]
        public string Requirements { get; set; }

        [Parameter]
        public string Python { get; set; } = "python3";

        [Parameter]
        public string[] PipArgument { get; set; }

        [Parameter]
        public SwitchParameter SystemSitePackages { get; set; }

        /// <summary>The first slot's port; needed on the first publish, remembered on the host afterwards.</summary>
        [Parameter]
        public int Port { get; set; }

        /// <summary>The second slot's port (default: Port + 1).</summary>
        [Parameter]
        public int AlternatePort { get; set; }

        [Parameter]
        public string WebPath { get; set; } = "/";

        [Parameter]
        public string Domain { get; set; }

        [Parameter]
        public string HealthPath { get; set; } = "/";

        [Parameter]
        public int HealthTimeoutSeconds { get; set; } = 60;

        [Parameter]
        public int Processes { get; set; } = 2;

        [Parameter]
        public int Threads { get; set; }

        /// <summary>Project-relative directories that outlive releases (uploads, a database); not uploaded.</summary>
        [Parameter]
        public string[] SharedPath { get; set; }

        [Parameter]
        public int KeepReleases { get; set; } = 5;

        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 5;

        /// <summary>The frontend's base URL for the check after the switch (default https://DOMAIN or https://USER.uber.space).</summary>
        [Parameter]
        public string FrontendUrl { get; set; }

        [Parameter]
        public string UwsgiPath { get; set; }

        [Parameter]
        [AllowEmptyCollection]
        public string[] Plugin { get; set; }

        /// <summary>Seconds the old slot keeps running after the switch, for requests in flight.</summary>
        [Parameter]
        public int GraceSeconds { get; set; } = 2;

        /// <summary>Take over the lock a killed publish left behind.</summary>
        [Parameter]
        public SwitchParameter BreakLock { get; set; }

        /// <summary>Replace a slot's uwsgi ini or service ini edited by hand (the old content is kept as FILE.uf-backup).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>A command (an argv, never a shell line) run once per new release after gate 1, in the release's
        /// folder and venv with the app's secrets in its environment: schema migrations (flask db upgrade). A non-zero
        /// exit refuses the release.</summary>
        [Parameter]
        public string[] ReleaseCommand { get; set; }

        protected override void ProcessRecord()
        {
            if (Session == null || Session.Length == 0) _local = true;
            else _sessions.AddRange(Session.Where(s => s != null));
        }

        protected override void EndProcessing()
        {
            try
            {
                PublishSpec spec;
                ProjectSnapshot project;
                try
                {
                    spec = PublishSpec.Create(Name, ResolveLocalPath(Path), Entry, Requirements, Python, PipArgument, SystemSitePackages,
                        IsBound(nameof(Port)) ? Port : (int?)null, IsBound(nameof(AlternatePort)) ? AlternatePort : (int?)null,
                        WebPath, Domain, HealthPath, HealthTimeoutSeconds, Processes, Threads, SharedPath, KeepReleases, FrontendUrl, UwsgiPath,
                        IsBound(nameof(Plugin)) ? (Plugin ?? new string[0]) : null, GraceSeconds, Force, ReleaseCommand);
                    project = ProjectSnapshot.Read(spec);
                }
                catch (UberspaceException ex)
                {
                    ThrowTerminatingError(ToErrorRecord(ex, Name));
                    return;
                }
                var targets = new List<UberspaceSession>(_sessions);
                if (_local || targets.Count == 0) targets.Insert(0, null);
                var now = DateTime.UtcNow;
                StepOnHosts(targets, ThrottleLimit, spec, (shell, s) => PublishProbe.Run(shell, s.Name, s.Python, s.UwsgiPath),
                    (s, facts, session) => PublishPlanner.Plan(s, facts, project, now, BreakLock, session?.FrontendUrl),
                    plan => plan.Unchanged ? null : plan.Changes, Publisher.Apply, (session, result) =>
                    {
                        WriteObject(OutputMapper.Publish(result, session));
                        if (result.Error != null) WriteError(ToHostErrorRecord(result.Error, session));
                    }, "PublishFailed");
            }
            finally
            {
                base.EndProcessing();
            }
        }
    }
}
