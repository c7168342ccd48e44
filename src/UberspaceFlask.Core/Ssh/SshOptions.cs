using System;
using System.Collections.Generic;

namespace UberspaceFlask.Core.Ssh
{
    public sealed class SshOptions
    {
        /// <summary>A host name, an address, or a Host alias from the ssh config file.</summary>
        public string HostName { get; set; }
        public string UserName { get; set; }
        public int? Port { get; set; }
        public List<string> KeyFiles { get; set; } = new List<string>();
        public string KeyPassphrase { get; set; }
        public string Password { get; set; }
        public string KnownHostsFile { get; set; }
        public bool AcceptNewHostKey { get; set; }
        /// <summary>"SHA256:..." as ssh-keygen -l prints it; when set, only this key is trusted.</summary>
        public string HostKeyFingerprint { get; set; }
        public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);
        public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);
        /// <summary>null: ~/.ssh/config when it exists.</summary>
        public string ConfigFile { get; set; }
        public string LocalHome { get; set; }
        public string LocalUser { get; set; }
        /// <summary>Reads an environment variable (SSH_AUTH_SOCK); a parameter so tests can give their own.</summary>
        public Func<string, string> Environment { get; set; } = System.Environment.GetEnvironmentVariable;
    }

    /// <summary>The host, port, user and key after the ssh config is applied: what the session shows.</summary>
    public sealed class SshTarget
    {
        public string HostName { get; set; }
        public int Port { get; set; }
        public string UserName { get; set; }
        public List<string> KeyFiles { get; set; }
        public List<string> KnownHostsFiles { get; set; }
        public string KnownHostsWriteFile { get; set; }
        /// <summary>Whether the key files were given with -KeyFile (then only they are offered, as with IdentitiesOnly).</summary>
        public bool ExplicitKeys { get; set; }
        /// <summary>ssh_config's IdentityFile entries that exist, in order: the keys to offer first.</summary>
        public List<string> NamedKeyFiles { get; set; } = new List<string>();
        public bool IdentitiesOnly { get; set; }
        /// <summary>The agent's socket or pipe; null for none.</summary>
        public string AgentPath { get; set; }
        /// <summary>Which key or method authenticated, once connected (a fingerprint or a file, never a secret).</summary>
        public AuthenticationTracker Authentication { get; } = new AuthenticationTracker();
    }

    /// <summary>What the host offered and what we decided, recorded on SSH.NET's thread and read on the caller's.</summary>
    public sealed class HostKeyVerdict
    {
        public string KeyType { get; set; }
        public byte[] KeyBlob { get; set; }
        public string Fingerprint { get; set; }
        public bool Trusted { get; set; }
        public string ErrorId { get; set; }
        public string Message { get; set; }
        public bool Recorded { get; set; }
    }
}
