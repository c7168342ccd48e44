using System;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;
using UberspaceFlask.Core;
using UberspaceFlask.Core.Releases;

namespace UberspaceFlask.Commands
{
    /// <summary>Sets a secret the app sees as an environment variable; the next Publish-FlaskApp puts it live.</summary>
    [Cmdlet(VerbsCommon.Set, "FlaskSecret", SupportsShouldProcess = true)]
    [OutputType(typeof(FlaskSecret))]
    public sealed class SetFlaskSecretCommand : HostStepCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        public string App { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        public string Name { get; set; }

        /// <summary>A SecureString (Read-Host -AsSecureString) or a plain string.</summary>
        [Parameter(Mandatory = true, Position = 2)]
        public object Secret { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            Step(Name, () => SecretSpec.Create(App, Name, Bytes(Secret is PSObject pso ? pso.BaseObject : Secret)),
                (shell, spec) => Secrets.List(shell, spec.App), (spec, list, shell) => Secrets.PlanSet(list, spec.App, spec.Name, spec.Value),
                changes => changes, run =>
                {
                    var list = run.Facts;
                    if (!run.Changes) WriteVerbose($"[{run.Shell.Where}] the secret {Name} of {App} already has this value: nothing to change.");
                    else
                    {
                        list = Secrets.Set(run.Shell, App, Name, run.Spec.Value);
                        WriteWarning($"The app runs with the old value until it starts again: the new value of {Name} takes effect at the next Publish-FlaskApp or Restart-FlaskApp -Name {App}.");
                    }
                    if (PassThru)
                        foreach (var e in list)
                            if (e.Name == Name) WriteObject(OutputMapper.Secret(App, e, run.Shell.Where));
                });
        }

        static byte[] Bytes(object secret)
        {
            if (secret is SecureString ss)
            {
                IntPtr p = Marshal.SecureStringToGlobalAllocUnicode(ss);
                try { return new UTF8Encoding(false).GetBytes(Marshal.PtrToStringUni(p, ss.Length)); }
                finally { Marshal.ZeroFreeGlobalAllocUnicode(p); }
            }
            if (secret is string s) return new UTF8Encoding(false).GetBytes(s);
            throw new UberspaceException("InvalidSecret", FailureKind.InvalidArgument, "-Secret takes a SecureString or a string.", null);
        }
    }

    /// <summary>Lists an app's secrets: names and SHA-256 fingerprints, never values.</summary>
    [Cmdlet(VerbsCommon.Get, "FlaskSecret")]
    [OutputType(typeof(FlaskSecret))]
    public sealed class GetFlaskSecretCommand : HostStepCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        public string App { get; set; }

        [Parameter(Position = 1)]
        [SupportsWildcards]
        public string Name { get; set; }

        protected override void ProcessRecord()
        {
            Guard(App, () =>
            {
                InputValidation.AppName(App);
                var shell = OpenShell(Session);
                var pattern = string.IsNullOrEmpty(Name) ? null : new WildcardPattern(Name, WildcardOptions.IgnoreCase);
                foreach (var e in Secrets.List(shell, App))
                    if (pattern == null || pattern.IsMatch(e.Name)) WriteObject(OutputMapper.Secret(App, e, shell.Where));
            });
        }
    }

    /// <summary>Removes a secret; the next Publish-FlaskApp puts the change live.</summary>
    [Cmdlet(VerbsCommon.Remove, "FlaskSecret", SupportsShouldProcess = true)]
    public sealed class RemoveFlaskSecretCommand : HostStepCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        public string App { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        public string Name { get; set; }

        protected override void ProcessRecord()
        {
            Step(Name, () => SecretSpec.Create(App, Name, null), (shell, spec) => Secrets.List(shell, spec.App),
                (spec, list, shell) => Secrets.PlanRemove(list, spec.App, spec.Name, shell.Where), changes => changes,
                (shell, changes) => Secrets.Remove(shell, App, Name));
        }
    }
}
