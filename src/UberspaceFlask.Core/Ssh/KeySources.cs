using System;
using System.Collections.Generic;
using System.Linq;
using Renci.SshNet;
using Renci.SshNet.Security;

namespace UberspaceFlask.Core.Ssh
{
    /// <summary>Which key or method authenticated a session: the last one asked to sign, or the password.</summary>
    public sealed class AuthenticationTracker
    {
        public string Used { get; set; }
    }

    /// <summary>
    /// A key the agent holds, as SSH.NET's public-key authentication takes keys: one algorithm per signature kind
    /// (rsa-sha2-512, rsa-sha2-256 and ssh-rsa for an RSA key), each asking the agent to sign.
    /// </summary>
    public sealed class AgentKeySource : IPrivateKeySource
    {
        public AgentKeySource(SshAgent agent, AgentIdentity identity, AuthenticationTracker tracker)
        {
            Identity = identity;
            string label = $"agent key {Fingerprint.KeyTypeLabel(identity.KeyType)} {identity.Sha256}" + (string.IsNullOrEmpty(identity.Comment) ? "" : $" ({identity.Comment})");
            HostKeyAlgorithms = (identity.KeyType == "ssh-rsa"
                    ? new[] { ("rsa-sha2-512", SshAgent.RsaSha2_512), ("rsa-sha2-256", SshAgent.RsaSha2_256), ("ssh-rsa", 0u) }
                    : new[] { (identity.KeyType, 0u) })
                .Select(a => (HostAlgorithm)new AgentHostAlgorithm(a.Item1, agent, identity.Blob, a.Item2, label, tracker)).ToList();
        }

        public AgentIdentity Identity { get; }
        public IReadOnlyCollection<HostAlgorithm> HostKeyAlgorithms { get; }

        sealed class AgentHostAlgorithm : HostAlgorithm
        {
            readonly SshAgent _agent;
            readonly byte[] _blob;
            readonly uint _flags;
            readonly string _label;
            readonly AuthenticationTracker _tracker;

            public AgentHostAlgorithm(string name, SshAgent agent, byte[] blob, uint flags, string label, AuthenticationTracker tracker) : base(name)
            {
                _agent = agent; _blob = blob; _flags = flags; _label = label; _tracker = tracker;
            }

            public override byte[] Data => _blob;

            public override byte[] Sign(byte[] data)
            {
                _tracker.Used = _label;
                return _agent.Sign(_blob, data, _flags);
            }

            public override bool VerifySignature(byte[] data, byte[] signature) =>
                throw new NotSupportedException("An agent key is for signing only.");
        }
    }

    /// <summary>A key file's algorithms, recording which file signed (for the session's AuthenticatedWith).</summary>
    public sealed class TrackedKeySource : IPrivateKeySource
    {
        public TrackedKeySource(IPrivateKeySource inner, string file, AuthenticationTracker tracker)
        {
            HostKeyAlgorithms = inner.HostKeyAlgorithms.Select(a => (HostAlgorithm)new Tracked(a, "key file " + file, tracker)).ToList();
        }

        public IReadOnlyCollection<HostAlgorithm> HostKeyAlgorithms { get; }

        sealed class Tracked : HostAlgorithm
        {
            readonly HostAlgorithm _inner;
            readonly string _label;
            readonly AuthenticationTracker _tracker;
            public Tracked(HostAlgorithm inner, string label, AuthenticationTracker tracker) : base(inner.Name) { _inner = inner; _label = label; _tracker = tracker; }
            public override byte[] Data => _inner.Data;
            public override byte[] Sign(byte[] data) { _tracker.Used = _label; return _inner.Sign(data); }
            public override bool VerifySignature(byte[] data, byte[] signature) => _inner.VerifySignature(data, signature);
        }
    }
}
