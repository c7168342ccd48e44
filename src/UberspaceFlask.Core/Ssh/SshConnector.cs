using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using Renci.SshNet;
using Renci.SshNet.Common;
using UberspaceFlask.Core.Host;

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

    /// <summary>Opens SSH connections that fail closed on unknown or changed host keys.</summary>
    public static class SshConnector
    {
        public static SshTarget ResolveTarget(SshOptions o)
        {
            if (string.IsNullOrWhiteSpace(o.HostName) || o.HostName.IndexOfAny(new[] { ' ', '\t', '\n', '\r', '/', '\\' }) >= 0 || o.HostName.StartsWith("-", StringComparison.Ordinal))
                throw new UberspaceException("InvalidHostName", FailureKind.InvalidArgument,
                    $"'{InputValidation.Show(o.HostName)}' is not a host name (for example stardust.uberspace.de).", o.HostName);
            string configFile = o.ConfigFile ?? Path.Combine(o.LocalHome, ".ssh", "config");
            if (o.ConfigFile != null && !File.Exists(o.ConfigFile))
                throw new UberspaceException("SshConfigNotFound", FailureKind.ObjectNotFound, $"The ssh config file '{o.ConfigFile}' does not exist.", o.ConfigFile);
            var cfg = SshConfig.Resolve(configFile, o.HostName, o.LocalHome, o.LocalUser);
            var t = new SshTarget
            {
                HostName = cfg.HostName ?? o.HostName,
                Port = o.Port ?? cfg.Port ?? 22,
                UserName = o.UserName ?? cfg.User ?? o.LocalUser,
            };
            if (t.Port < 1 || t.Port > 65535)
                throw new UberspaceException("InvalidPort", FailureKind.InvalidArgument, $"The SSH port {t.Port} is not valid.", t.Port);
            if (!System.Text.RegularExpressions.Regex.IsMatch(t.UserName ?? "", @"^[a-z_][a-z0-9_.-]{0,31}$"))
                throw new UberspaceException("InvalidUserName", FailureKind.InvalidArgument, $"'{InputValidation.Show(t.UserName)}' is not a valid user name.", t.UserName);

            t.KeyFiles = o.KeyFiles.Count > 0 ? o.KeyFiles.ToList()
                : cfg.IdentityFiles.Count > 0 ? cfg.IdentityFiles.ToList()
                : new[] { "id_ed25519", "id_ecdsa", "id_rsa" }.Select(n => Path.Combine(o.LocalHome, ".ssh", n)).Where(File.Exists).ToList();
            foreach (var k in t.KeyFiles)
                if (o.KeyFiles.Contains(k) && !File.Exists(k))
                    throw new UberspaceException("KeyFileNotFound", FailureKind.ObjectNotFound, $"The key file '{k}' does not exist.", k);
            t.KeyFiles = t.KeyFiles.Where(File.Exists).ToList();

            var known = new List<string>();
            if (o.KnownHostsFile != null) known.Add(o.KnownHostsFile);
            else if (cfg.UserKnownHostsFiles.Count > 0) known.AddRange(cfg.UserKnownHostsFiles);
            else known.Add(Path.Combine(o.LocalHome, ".ssh", "known_hosts"));
            t.KnownHostsWriteFile = known[0];
            if (o.KnownHostsFile == null) known.Add("/etc/ssh/ssh_known_hosts");
            t.KnownHostsFiles = known;
            return t;
        }

        static List<AuthenticationMethod> AuthMethods(SshOptions o, SshTarget t)
        {
            var methods = new List<AuthenticationMethod>();
            var keys = new List<IPrivateKeySource>();
            foreach (var file in t.KeyFiles)
            {
                try
                {
                    keys.Add(string.IsNullOrEmpty(o.KeyPassphrase) ? new PrivateKeyFile(file) : new PrivateKeyFile(file, o.KeyPassphrase));
                }
                catch (SshPassPhraseNullOrEmptyException ex)
                {
                    throw new UberspaceException("KeyPassphraseRequired", FailureKind.InvalidArgument,
                        $"The key '{file}' is encrypted. Give its passphrase with -KeyPassphrase (Read-Host -AsSecureString).", file, ex);
                }
                catch (Exception ex) when (ex is SshException || ex is InvalidOperationException || ex is ArgumentException || ex is System.Security.Cryptography.CryptographicException)
                {
                    throw new UberspaceException("InvalidKeyFile", FailureKind.InvalidData,
                        $"The key '{file}' could not be read: {ex.Message} (a wrong passphrase, or a format SSH.NET does not read; OpenSSH, PEM and PuTTY keys work).", file, ex);
                }
            }
            if (keys.Count > 0) methods.Add(new PrivateKeyAuthenticationMethod(t.UserName, keys.ToArray()));
            if (o.Password != null) methods.Add(new PasswordAuthenticationMethod(t.UserName, o.Password));
            if (methods.Count == 0)
                throw new UberspaceException("NoCredentials", FailureKind.InvalidArgument,
                    "No key and no password: give -KeyFile (or put keys in ~/.ssh or an IdentityFile in ~/.ssh/config), or -Credential. SSH agents are not supported.", t.HostName);
            return methods;
        }

        /// <summary>Decides on the host key. Runs on SSH.NET's thread: no I/O but reading files, no callbacks.</summary>
        public static HostKeyVerdict Judge(SshOptions o, SshTarget t, string keyType, byte[] blob)
        {
            var v = new HostKeyVerdict { KeyType = Fingerprint.BlobKeyType(blob) ?? keyType, KeyBlob = blob, Fingerprint = Fingerprint.Sha256(blob) };
            string label = Fingerprint.KeyTypeLabel(v.KeyType);
            string name = KnownHosts.HostKeyName(t.HostName, t.Port);
            if (o.HostKeyFingerprint != null)
            {
                string pin = o.HostKeyFingerprint.Trim();
                if (string.Equals(pin.TrimEnd('='), v.Fingerprint, StringComparison.Ordinal)) { v.Trusted = true; return v; }
                v.ErrorId = "HostKeyMismatch";
                v.Message = $"The host key of {name} does not match the pinned fingerprint. Expected {pin}, the host offered {label} {v.Fingerprint}. " +
                            "Someone may be intercepting the connection, or the key really changed: check the fingerprint with the host's administrator before you trust it.";
                return v;
            }
            var entries = KnownHosts.Find(t.KnownHostsFiles, t.HostName, t.Port);
            if (entries.Any(e => e.Revoked && e.KeyBlob.SequenceEqual(blob)))
            {
                v.ErrorId = "HostKeyRevoked";
                v.Message = $"The host key of {name} ({label} {v.Fingerprint}) is marked @revoked in known_hosts.";
                return v;
            }
            var sameType = entries.Where(e => !e.Revoked && Fingerprint.BlobKeyType(e.KeyBlob) == v.KeyType).ToList();
            if (sameType.Any(e => e.KeyBlob.SequenceEqual(blob))) { v.Trusted = true; return v; }
            if (sameType.Count > 0)
            {
                var old = sameType[0];
                v.ErrorId = "HostKeyMismatch";
                v.Message = $"WARNING: the host key of {name} has changed! known_hosts ({old.File}:{old.LineNumber}) has {label} {old.Fingerprint}, " +
                            $"the host offered {label} {v.Fingerprint}. Someone may be intercepting the connection. If the key really changed " +
                            $"(a host reinstall), remove the old entry with: ssh-keygen -R '{name}' -f '{old.File}', then connect with -AcceptNewHostKey.";
                return v;
            }
            if (o.AcceptNewHostKey)
            {
                v.Trusted = true;
                v.Recorded = true;
                return v;
            }
            v.ErrorId = "UnknownHostKey";
            v.Message = $"The host {name} is not known. It offered the {label} key {v.Fingerprint}. If that is the host's fingerprint " +
                        $"(Uberspace lists them in its manual, or ask 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub' on the host), connect with " +
                        $"-AcceptNewHostKey to record it in {t.KnownHostsWriteFile}, or pin it with -HostKeyFingerprint '{v.Fingerprint}'.";
            return v;
        }

        public static ConnectionInfo BuildConnectionInfo(SshOptions o, SshTarget t)
        {
            var info = new ConnectionInfo(t.HostName, t.Port, t.UserName, AuthMethods(o, t).ToArray()) { Timeout = o.ConnectTimeout };
            // Prefer the key types already known for this host, as OpenSSH does, so a second key type is not "unknown".
            if (o.HostKeyFingerprint == null)
            {
                var knownTypes = new HashSet<string>(KnownHosts.Find(t.KnownHostsFiles, t.HostName, t.Port).Where(e => !e.Revoked)
                    .Select(e => Fingerprint.BlobKeyType(e.KeyBlob)).Where(x => x != null));
                if (knownTypes.Count > 0)
                {
                    foreach (var alg in info.HostKeyAlgorithms.Keys.ToList())
                        if (!knownTypes.Contains(AlgorithmKeyType(alg))) info.HostKeyAlgorithms.Remove(alg);
                }
            }
            return info;
        }

        static string AlgorithmKeyType(string algorithm)
        {
            if (algorithm.StartsWith("rsa-sha2-", StringComparison.Ordinal)) return "ssh-rsa";
            return algorithm;
        }

        /// <summary>Connects a client, verifying the host key; maps failures to ErrorIds.</summary>
        public static HostKeyVerdict Connect(BaseClient client, SshOptions o, SshTarget t, HostKeyVerdict expected = null)
        {
            HostKeyVerdict verdict = null;
            client.HostKeyReceived += (sender, e) =>
            {
                // A second connection of the same session must see the very key the first one saw.
                verdict = expected != null
                    ? (e.HostKey.SequenceEqual(expected.KeyBlob) ? expected : new HostKeyVerdict
                    {
                        KeyBlob = e.HostKey, KeyType = e.HostKeyName, Fingerprint = Fingerprint.Sha256(e.HostKey), ErrorId = "HostKeyMismatch",
                        Message = $"The host key changed between two connections of one session (was {expected.Fingerprint}, now {Fingerprint.Sha256(e.HostKey)})."
                    })
                    : Judge(o, t, e.HostKeyName, e.HostKey);
                e.CanTrust = verdict.Trusted;
            };
            client.KeepAliveInterval = o.KeepAliveInterval;
            try
            {
                client.Connect();
            }
            catch (Exception ex) when (verdict != null && !verdict.Trusted)
            {
                throw new UberspaceException(verdict.ErrorId, FailureKind.SecurityError, verdict.Message, KnownHosts.HostKeyName(t.HostName, t.Port), ex);
            }
            catch (SshAuthenticationException ex)
            {
                throw new UberspaceException("AuthenticationFailed", FailureKind.SecurityError,
                    $"{t.UserName}@{t.HostName}:{t.Port} did not accept the key or password: {ex.Message}. On Uberspace, add your public key on the dashboard or to ~/.ssh/authorized_keys.", t.HostName, ex);
            }
            catch (SshOperationTimeoutException ex)
            {
                throw new UberspaceException("ConnectTimeout", FailureKind.OperationTimeout,
                    $"Connecting to {t.HostName}:{t.Port} timed out after {o.ConnectTimeout.TotalSeconds:0} s.", t.HostName, ex);
            }
            catch (SocketException ex)
            {
                throw new UberspaceException("ConnectionFailed", FailureKind.ConnectionError,
                    $"Could not connect to {t.HostName}:{t.Port}: {ex.Message}", t.HostName, ex);
            }
            catch (SshConnectionException ex)
            {
                throw new UberspaceException("ConnectionFailed", FailureKind.ConnectionError,
                    $"The SSH connection to {t.HostName}:{t.Port} failed: {ex.Message}", t.HostName, ex);
            }
            if (verdict != null && verdict.Recorded && expected == null)
                KnownHosts.Append(t.KnownHostsWriteFile, t.HostName, t.Port, verdict.KeyType, verdict.KeyBlob);
            return verdict;
        }

        public static SshTransport Open(SshOptions o)
        {
            var t = ResolveTarget(o);
            var info = BuildConnectionInfo(o, t);
            var client = new SshClient(info);
            try
            {
                var verdict = Connect(client, o, t);
                return new SshTransport(client, o, t, verdict);
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }

        /// <summary>The host's key without logging in: the key exchange runs, then the connection is refused by us.</summary>
        public static HostKeyVerdict ProbeHostKey(string host, int port, TimeSpan timeout)
        {
            HostKeyVerdict seen = null;
            var info = new ConnectionInfo(host, port, "probe", new NoneAuthenticationMethod("probe")) { Timeout = timeout };
            using (var client = new SshClient(info))
            {
                client.HostKeyReceived += (s, e) =>
                {
                    seen = new HostKeyVerdict { KeyBlob = e.HostKey, KeyType = Fingerprint.BlobKeyType(e.HostKey) ?? e.HostKeyName, Fingerprint = Fingerprint.Sha256(e.HostKey) };
                    e.CanTrust = false;
                };
                try { client.Connect(); }
                catch (Exception ex) when (seen == null)
                {
                    throw new UberspaceException("ConnectionFailed", FailureKind.ConnectionError, $"Could not read the host key of {host}:{port}: {ex.Message}", host, ex);
                }
                catch (Exception) { /* expected: we refused the key after reading it */ }
            }
            return seen;
        }
    }
}
