using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using UberspaceFlask.Core.Host;

namespace UberspaceFlask
{
    /// <summary>
    /// An open SSH session to an Uberspace account. Users hold it in a variable and pass it with -Session; the
    /// module keeps no list of sessions. Safe to use from several runspaces (calls are serialized).
    /// </summary>
    public sealed class UberspaceSession : IDisposable
    {
        static int _nextId;
        readonly SshTransport _transport;

        internal UberspaceSession(SshTransport transport)
        {
            _transport = transport;
            Id = Interlocked.Increment(ref _nextId);
            HostName = transport.Target.HostName;
            Port = transport.Target.Port;
            UserName = transport.Target.UserName;
            HostKeyFingerprint = transport.HostKeyFingerprint;
            HostKeyType = transport.HostKeyType;
            AuthenticatedWith = transport.AuthenticatedWith;
            Opened = DateTime.Now;
        }

        public int Id { get; }
        public string HostName { get; }
        public int Port { get; }
        public string UserName { get; }
        /// <summary>SHA256:... as ssh-keygen -l shows it.</summary>
        public string HostKeyFingerprint { get; }
        public string HostKeyType { get; }
        /// <summary>How it logged in: an agent key's fingerprint, a key file, or "password" (never a secret).</summary>
        public string AuthenticatedWith { get; }
        /// <summary>The account's home; learnt from the first command the session runs (opening it runs none).</summary>
        public string HomeDirectory => _transport.KnownHome ?? new HostShell(_transport, null, CancellationToken.None).Home;
        public DateTime Opened { get; }
        /// <summary>The account's web frontend (New-UberspaceSession -FrontendUrl); null: https://USER.uber.space.</summary>
        public string FrontendUrl { get; internal set; }
        public bool IsConnected => _transport.IsConnected;

        internal IHostTransport Transport => _transport;

        // What this session has seen on its host, for tab completion without another round trip.
        readonly ConcurrentDictionary<string, byte> _services = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        readonly ConcurrentDictionary<string, byte> _backendPaths = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        readonly ConcurrentDictionary<string, byte> _pythons = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        internal void SawService(string name) { if (name != null) _services[name] = 0; }
        internal void SawBackendPath(string path) { if (path != null) _backendPaths[path] = 0; }
        internal void SawPython(string python) { if (python != null) _pythons[python] = 0; }
        internal IEnumerable<string> SeenServices => _services.Keys.OrderBy(k => k, StringComparer.Ordinal);
        internal IEnumerable<string> SeenBackendPaths => _backendPaths.Keys.OrderBy(k => k, StringComparer.Ordinal);
        internal IEnumerable<string> SeenPythons => _pythons.Keys.OrderBy(k => k, StringComparer.Ordinal);

        public void Dispose() => _transport.Dispose();

        public override string ToString() => $"{UserName}@{HostName}:{Port}";
    }
}
