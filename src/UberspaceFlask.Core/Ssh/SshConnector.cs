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

            t.ExplicitKeys = o.KeyFiles.Count > 0;
            t.IdentitiesOnly = cfg.IdentitiesOnly == true;
            t.NamedKeyFiles = cfg.IdentityFiles.Where(File.Exists).ToList();
            t.AgentPath = t.ExplicitKeys ? null : SshAgent.Locate(cfg.IdentityAgent, o.Environment);
            t.KeyFiles = o.KeyFiles.Count > 0 ? o.KeyFiles.ToList()
                : cfg.IdentityFiles.Count > 0 ? cfg.IdentityFiles.ToList()
                : new[] { "id_ed25519", "id_ecdsa", "id_rsa" }.Select(n => Path.Combine(o.LocalHome, ".ssh", n)).Where(File.Exists).ToList();
            foreach (var k in t.KeyFiles)
                if (o.KeyFiles.Contains(k) && !File.Exists(k))
                    throw new UberspaceException("KeyFileNotFound", FailureKind.ObjectNotFound, $"The key file '{k}' does not exist.", k);
            t.KeyFiles = t.KeyFiles.Where(File.Exists).ToList();

            // As OpenSSH: the user files (default ~/.ssh/known_hosts and known_hosts2; several, or none), then the system
            // ones; new keys are recorded in the first user file.
            var known = new List<string>();
            if (o.KnownHostsFile != null) known.Add(o.KnownHostsFile);
            else if (cfg.UserKnownHostsNone) { }
            else if (cfg.UserKnownHostsFiles.Count > 0) known.AddRange(cfg.UserKnownHostsFiles);
            else known.AddRange(new[] { "known_hosts", "known_hosts2" }.Select(n => Path.Combine(o.LocalHome, ".ssh", n)));
            t.KnownHostsWriteFile = known.FirstOrDefault();
            if (o.KnownHostsFile == null) known.AddRange(new[] { "/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2" });
            t.KnownHostsFiles = known;
            return t;
        }

        /// <summary>
        /// OpenSSH's order: with -KeyFile only those files; otherwise the agent's keys (the one ssh_config names first, so a
        /// server's MaxAuthTries is not spent on others; with IdentitiesOnly only that one), then the key files (ssh_config's
        /// IdentityFile, else ~/.ssh/id_ed25519, id_ecdsa, id_rsa), then the password. Agent forwarding is never asked for.
        /// </summary>
        static List<AuthenticationMethod> AuthMethods(SshOptions o, SshTarget t)
        {
            var methods = new List<AuthenticationMethod>();
            var keys = new List<IPrivateKeySource>();
            var tried = new List<string>();
            var agentKeys = new List<AgentIdentity>();
            string agentProblem = null;
            if (t.AgentPath != null)
            {
                try
                {
                    var all = new SshAgent(t.AgentPath).ListIdentities();
                    var named = new HashSet<string>(t.NamedKeyFiles.Select(PublicKeyOf).Where(b => b != null).Select(Convert.ToBase64String));
                    agentKeys = all.Where(k => named.Contains(Convert.ToBase64String(k.Blob)))
                        .Concat(t.IdentitiesOnly ? Enumerable.Empty<AgentIdentity>() : all.Where(k => !named.Contains(Convert.ToBase64String(k.Blob))))
                        .Where(k => k.KeyType != null).ToList();
                    tried.Add($"the agent at {t.AgentPath} ({all.Count} key(s){(t.IdentitiesOnly ? $", {agentKeys.Count} named by IdentityFile with IdentitiesOnly" : "")})");
                    var agent = new SshAgent(t.AgentPath);
                    keys.AddRange(agentKeys.Select(k => (IPrivateKeySource)new AgentKeySource(agent, k, t.Authentication)));
                }
                catch (Exception ex) when (ex is System.Net.Sockets.SocketException || ex is IOException || ex is TimeoutException || ex is UnauthorizedAccessException || ex is PlatformNotSupportedException)
                {
                    agentProblem = $"the agent at {t.AgentPath} did not answer ({ex.Message})";
                    tried.Add(agentProblem);
                }
            }
            var agentBlobs = new HashSet<string>(agentKeys.Select(k => Convert.ToBase64String(k.Blob)));
            foreach (var file in t.KeyFiles)
            {
                // A key the agent already offers is not read from its file (it may need a passphrase the agent spares us).
                var pub = t.ExplicitKeys ? null : PublicKeyOf(file);
                if (pub != null && agentBlobs.Contains(Convert.ToBase64String(pub))) continue;
                try
                {
                    var key = string.IsNullOrEmpty(o.KeyPassphrase) ? new PrivateKeyFile(file) : new PrivateKeyFile(file, o.KeyPassphrase);
                    keys.Add(new TrackedKeySource(key, file, t.Authentication));
                    tried.Add("the key file " + file);
                }
                catch (SshPassPhraseNullOrEmptyException ex)
                {
                    // ssh would ask; a default key that needs a passphrase is passed over when the agent offers keys.
                    if (!t.ExplicitKeys && agentKeys.Count > 0) { tried.Add($"the key file {file} (encrypted, passed over)"); continue; }
                    throw new UberspaceException("KeyPassphraseRequired", FailureKind.InvalidArgument,
                        $"The key '{file}' is encrypted. Give its passphrase with -KeyPassphrase (Read-Host -AsSecureString), or add it to your SSH agent (ssh-add).", file, ex);
                }
                catch (Exception ex) when (ex is SshException || ex is InvalidOperationException || ex is ArgumentException || ex is System.Security.Cryptography.CryptographicException)
                {
                    throw new UberspaceException("InvalidKeyFile", FailureKind.InvalidData,
                        $"The key '{file}' could not be read: {ex.Message} (a wrong passphrase, or a format SSH.NET does not read; OpenSSH, PEM and PuTTY keys work).", file, ex);
                }
            }
            if (keys.Count > 0) methods.Add(new PrivateKeyAuthenticationMethod(t.UserName, keys.ToArray()));
            if (o.Password != null)
            {
                methods.Add(new PasswordAuthenticationMethod(t.UserName, o.Password));
                tried.Add("the password");
            }
            if (methods.Count == 0)
            {
                string what = tried.Count == 0 ? "no agent (IdentityAgent none, or no SSH_AUTH_SOCK) and no key file" : string.Join("; ", tried);
                if (agentProblem != null)
                    throw new UberspaceException("AgentUnreachable", FailureKind.ConnectionError,
                        $"No key to log in to {t.HostName} with: {what}. Start your SSH agent (or check SSH_AUTH_SOCK / IdentityAgent), or give -KeyFile or -Credential.", t.AgentPath);
                if (t.AgentPath != null)
                    throw new UberspaceException("NoUsableKey", FailureKind.ObjectNotFound,
                        $"No key to log in to {t.HostName} with. Tried: {what}. Add a key to the agent (ssh-add), or give -KeyFile or -Credential.", t.AgentPath);
                throw new UberspaceException("NoCredentials", FailureKind.InvalidArgument,
                    $"No key and no password for {t.HostName}. Tried: {what}. Give -KeyFile (or put keys in ~/.ssh, an IdentityFile in ~/.ssh/config, or your SSH agent), or -Credential.", t.HostName);
            }
            return methods;
        }

        /// <summary>The public key blob beside a private key file (FILE.pub, as ssh reads it), or null.</summary>
        static byte[] PublicKeyOf(string privateKeyFile)
        {
            try
            {
                string pub = privateKeyFile + ".pub";
                if (!File.Exists(pub)) return null;
                var parts = File.ReadAllText(pub).Trim().Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
                return parts.Length >= 2 ? Convert.FromBase64String(parts[1]) : null;
            }
            catch (Exception ex) when (ex is IOException || ex is FormatException || ex is UnauthorizedAccessException) { return null; }
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
            catch (IOException ex) when (t.AgentPath != null)
            {
                // Raised from an agent key's Sign inside SSH.NET's authentication: the agent refused or went away.
                throw new UberspaceException("AgentSignFailed", FailureKind.SecurityError,
                    $"The SSH agent could not sign the login to {t.HostName}: {ex.Message}. A key added with confirmation (ssh-add -c) needs it confirmed; check that the agent still runs.", t.AgentPath, ex);
            }
            catch (SshAuthenticationException ex)
            {
                throw HostErrors.AuthenticationFailed($"{t.UserName}@{t.HostName}:{t.Port} did not accept the key or password: {ex.Message}. On Uberspace, add your public key on the dashboard or to ~/.ssh/authorized_keys.", t.HostName, ex);
            }
            catch (SshOperationTimeoutException ex)
            {
                throw new UberspaceException("ConnectTimeout", FailureKind.OperationTimeout,
                    $"Connecting to {t.HostName}:{t.Port} timed out after {o.ConnectTimeout.TotalSeconds:0} s.", t.HostName, ex);
            }
            catch (SocketException ex)
            {
                throw HostErrors.ConnectionFailed($"Could not connect to {t.HostName}:{t.Port}: {ex.Message}", t.HostName, ex);
            }
            catch (SshConnectionException ex) when (ex.Message.IndexOf("Too many authentication failures", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                throw HostErrors.AuthenticationFailed($"{t.UserName}@{t.HostName}:{t.Port} closed the connection after too many keys were refused (its MaxAuthTries); " +
                    "an SSH agent that holds many keys does this. Name the key in ~/.ssh/config (IdentityFile, with IdentitiesOnly yes), or give -KeyFile.", t.HostName, ex);
            }
            catch (SshConnectionException ex)
            {
                throw HostErrors.ConnectionFailed($"The SSH connection to {t.HostName}:{t.Port} failed: {ex.Message}", t.HostName, ex);
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
                    throw HostErrors.ConnectionFailed($"Could not read the host key of {host}:{port}: {ex.Message}", host, ex);
                }
                catch (Exception) { /* expected: we refused the key after reading it */ }
            }
            return seen;
        }
    }
}
