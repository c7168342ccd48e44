using System.Management.Automation;
using UberspaceFlask.Core;
using UberspaceFlask.Core.Diagnosis;

namespace UberspaceFlask.Commands
{
    /// <summary>Checks each link from the app directory to the page served, and names the broken one with its fix.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "FlaskDeployment", DefaultParameterSetName = NameSet)]
    [OutputType(typeof(FlaskDeploymentCheck))]
    public sealed class TestFlaskDeploymentCommand : HostStepCmdlet
    {
        public const string NameSet = "Name";
        public const string PathSet = "Path";

        /// <summary>The app's name: its directory is ~/Name.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = NameSet)]
        public string Name { get; set; }

        /// <summary>The app directory; binds AppPath from every object of the deploy pipeline.</summary>
        [Parameter(Mandatory = true, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
        public string AppPath { get; set; }

        [Parameter]
        [ArgumentCompleter(typeof(ServiceNameCompleter))]
        public string ServiceName { get; set; }

        /// <summary>The web frontend's base URL; default https://USER.uber.space.</summary>
        [Parameter]
        public string FrontendUrl { get; set; }

        /// <summary>The backend list Set-WebBackend handed over when it changed nothing, used while fresh.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
        public HandedOver BackendList { get; set; }

        protected override void ProcessRecord()
        {
            Guard(Name ?? AppPath, () =>
            {
                string path = ParameterSetName == NameSet ? "~/" + InputValidation.AppName(Name) : AppPath;
                var spec = DiagnosisSpec.Create(path, ServiceName, FrontendUrl, Session?.FrontendUrl);
                var shell = OpenShell(Session);
                string listed = Handover.FreshBackendList(this, BackendList, shell.Where, needStatus: true)?.Text;
                DiagnosisFacts facts;
                // By name, a published app (~/apps/NAME/state) gets the checks of a published app; any other, the
                // guide's, whose first probe rides along in the same round trip.
                if (ParameterSetName == NameSet && ServiceName == null)
                {
                    var published = PublishedDiagnosis.Probe(shell, Name, spec.FrontendUrl, spec.SessionFrontendUrl,
                        DeploymentDiagnosis.FirstProbeArguments(shell, spec, listed), out var guide);
                    if (published != null)
                    {
                        foreach (var r in PublishedDiagnosis.All(published))
                            WriteObject(OutputMapper.Check(r, published.Root, shell.Where));
                        return;
                    }
                    facts = DeploymentDiagnosis.Complete(shell, spec, listed, DeploymentDiagnosis.Read(guide, listed));
                }
                else facts = DeploymentDiagnosis.Probe(shell, spec, listed);
                foreach (var r in new DeploymentChecks(facts, spec).All())
                    WriteObject(OutputMapper.Check(r, facts.AppPath, shell.Where));
            });
        }
    }
}
