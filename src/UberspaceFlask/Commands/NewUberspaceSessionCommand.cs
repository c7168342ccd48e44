using System;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Security;
using UberspaceFlask.Core;
using UberspaceFlask.Core.Ssh;

namespace UberspaceFlask.Commands
{
    /// <summary>Opens an SSH session to an Uberspace account. Host keys fail closed.</summary>
    [Cmdlet(VerbsCommon.New, "UberspaceSession", DefaultParameterSetName = KnownHostsSet)]
    [OutputType(typeof(UberspaceSession))]
    public sealed class NewUberspaceSessionCommand : UberspaceCmdlet
    {
        public const string KnownHostsSet = "KnownHosts";
        public const string FingerprintSet = "Fingerprint";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("ComputerName", "Host")]
        public string HostName { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("User")]
        public string UserName { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; } = 22;

        [Parameter]
        [Alias("IdentityFile")]
        public string[] KeyFile { get; set; }

        [Parameter]
        public SecureString KeyPassphrase { get; set; }

        /// <summary>Password authentication (user name and password).</summary>
        [Parameter]
        [Credential]
        public PSCredential Credential { get; set; }

        [Parameter(ParameterSetName = KnownHostsSet)]
        public string KnownHostsFile { get; set; }

        /// <summary>Record an unknown host key in known_hosts. A changed key is never accepted.</summary>
        [Parameter(ParameterSetName = KnownHostsSet)]
        public SwitchParameter AcceptNewHostKey { get; set; }

        /// <summary>Trust exactly this key ("SHA256:..."), whatever known_hosts says.</summary>
        [Parameter(Mandatory = true, ParameterSetName = FingerprintSet)]
        public string HostKeyFingerprint { get; set; }

        [Parameter]
        [ValidateRange(1, 600)]
        public int ConnectTimeout { get; set; } = 15;

        /// <summary>Seconds between keep-alives (0: none); Uberspace's firewall drops idle connections.</summary>
        [Parameter]
        [ValidateRange(0, 3600)]
        public int KeepAliveInterval { get; set; } = 30;

        /// <summary>The OpenSSH client config to read Host aliases from; default ~/.ssh/config.</summary>
        [Parameter]
        public string ConfigFile { get; set; }

        /// <summary>The account's web frontend, for checks through it (Publish-FlaskApp); default https://USER.uber.space.</summary>
        [Parameter]
        public string FrontendUrl { get; set; }

        protected override void ProcessRecord()
        {
            Guard(HostName, () =>
            {
                string frontend = string.IsNullOrEmpty(FrontendUrl) ? null : InputValidation.FrontendUrl(FrontendUrl);
                if (HostKeyFingerprint != null && !System.Text.RegularExpressions.Regex.IsMatch(HostKeyFingerprint, @"^SHA256:[A-Za-z0-9+/]{43}=?$"))
                    throw new UberspaceException("InvalidFingerprint", FailureKind.InvalidArgument,
                        $"'{HostKeyFingerprint}' is not a SHA256 fingerprint as ssh-keygen -l prints it (SHA256: and 43 base64 characters).", HostKeyFingerprint);
                var options = new SshOptions
                {
                    HostName = HostName,
                    UserName = !string.IsNullOrEmpty(UserName) ? UserName : Credential?.UserName,
                    Port = IsBound(nameof(Port)) ? Port : (int?)null,
                    KeyFiles = (KeyFile ?? new string[0]).Select(ResolveLocalPath).ToList(),
                    KeyPassphrase = KeyPassphrase == null ? null : new NetworkCredential("", KeyPassphrase).Password,
                    Password = Credential == null ? null : Credential.GetNetworkCredential().Password,
                    KnownHostsFile = ResolveLocalPath(KnownHostsFile),
                    AcceptNewHostKey = AcceptNewHostKey,
                    HostKeyFingerprint = HostKeyFingerprint,
                    ConnectTimeout = TimeSpan.FromSeconds(ConnectTimeout),
                    KeepAliveInterval = TimeSpan.FromSeconds(KeepAliveInterval),
                    ConfigFile = ResolveLocalPath(ConfigFile),
                    LocalHome = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
                    LocalUser = Environment.UserName,
                };
                WriteVerbose($"Connecting to {options.HostName} ...");
                var transport = SshConnector.Open(options);
                if (transport.HostKeyRecorded)
                    WriteWarning($"Recorded the new host key of {KnownHosts.HostKeyName(transport.Target.HostName, transport.Target.Port)} " +
                                 $"({Fingerprint.KeyTypeLabel(transport.HostKeyType)} {transport.HostKeyFingerprint}) in {transport.Target.KnownHostsWriteFile}.");
                WriteVerbose($"Connected to {transport.Description}, host key {transport.HostKeyFingerprint}.");
                WriteObject(new UberspaceSession(transport) { FrontendUrl = frontend });
            });
        }
    }
}
