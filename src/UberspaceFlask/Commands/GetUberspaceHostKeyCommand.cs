using System;
using System.Management.Automation;
using UberspaceFlask.Core.Ssh;

namespace UberspaceFlask.Commands
{
    /// <summary>Shows a host's SSH key and fingerprint without logging in, so it can be checked before it is trusted.</summary>
    [Cmdlet(VerbsCommon.Get, "UberspaceHostKey")]
    [OutputType(typeof(UberspaceHostKey))]
    public sealed class GetUberspaceHostKeyCommand : UberspaceCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("ComputerName", "Host")]
        public string HostName { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; } = 22;

        [Parameter]
        [ValidateRange(1, 600)]
        public int ConnectTimeout { get; set; } = 15;

        [Parameter]
        public string ConfigFile { get; set; }

        protected override void ProcessRecord()
        {
            Guard(HostName, () =>
            {
                var target = SshConnector.ResolveTarget(new SshOptions
                {
                    HostName = HostName,
                    Port = IsBound(nameof(Port)) ? Port : (int?)null,
                    ConfigFile = ResolveLocalPath(ConfigFile),
                    LocalHome = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
                    LocalUser = "probe",
                });
                var key = SshConnector.ProbeHostKey(target.HostName, target.Port, TimeSpan.FromSeconds(ConnectTimeout));
                WriteObject(new UberspaceHostKey
                {
                    HostName = target.HostName,
                    Port = target.Port,
                    KeyType = key.KeyType,
                    Fingerprint = key.Fingerprint,
                    KnownHostsLine = KnownHosts.HostKeyName(target.HostName, target.Port) + " " + key.KeyType + " " + Convert.ToBase64String(key.KeyBlob),
                });
            });
        }
    }
}
