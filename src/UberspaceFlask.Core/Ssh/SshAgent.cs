using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipes;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace UberspaceFlask.Core.Ssh
{
    /// <summary>One key an SSH agent holds: its public key blob and comment. The private key stays in the agent.</summary>
    public sealed class AgentIdentity
    {
        public byte[] Blob { get; set; }
        public string Comment { get; set; }
        public string KeyType => Fingerprint.BlobKeyType(Blob);
        public string Sha256 => Fingerprint.Sha256(Blob);
    }

    /// <summary>
    /// A client of the OpenSSH agent protocol (draft-miller-ssh-agent): list the identities, ask for a signature.
    /// Over a Unix socket (SSH_AUTH_SOCK, IdentityAgent) or, on Windows, the OpenSSH agent's named pipe. One
    /// connection per request, as ssh does; the agent signs, no private key ever enters this process.
    /// </summary>
    public sealed class SshAgent
    {
        const byte RequestIdentities = 11, IdentitiesAnswer = 12, SignRequest = 13, SignResponse = 14, Failure = 5;
        /// <summary>Flags of a sign request for an RSA key: which SHA-2 signature (RFC 8332).</summary>
        public const uint RsaSha2_256 = 2, RsaSha2_512 = 4;
        public const string WindowsPipe = @"\\.\pipe\openssh-ssh-agent";

        public SshAgent(string path) { Path = path; }

        /// <summary>The socket or pipe.</summary>
        public string Path { get; }

        public List<AgentIdentity> ListIdentities()
        {
            var reply = Request(new[] { RequestIdentities });
            if (reply.Length == 0 || reply[0] != IdentitiesAnswer)
                throw new IOException($"the agent at {Path} answered the identities request with message {(reply.Length > 0 ? reply[0] : -1)}");
            int pos = 1;
            uint count = ReadUInt32(reply, ref pos);
            var list = new List<AgentIdentity>();
            for (uint i = 0; i < count; i++)
                list.Add(new AgentIdentity { Blob = ReadString(reply, ref pos), Comment = Encoding.UTF8.GetString(ReadString(reply, ref pos)) });
            return list;
        }

        /// <summary>The signature blob (string algorithm, string signature) for data, made by the agent with that key.</summary>
        public byte[] Sign(byte[] keyBlob, byte[] data, uint flags)
        {
            var request = new MemoryStream();
            request.WriteByte(SignRequest);
            WriteString(request, keyBlob);
            WriteString(request, data);
            WriteUInt32(request, flags);
            var reply = Request(request.ToArray());
            if (reply.Length > 0 && reply[0] == Failure)
                throw new IOException($"the agent at {Path} refused to sign (a key that needs confirmation, or one removed meanwhile)");
            if (reply.Length == 0 || reply[0] != SignResponse)
                throw new IOException($"the agent at {Path} answered the sign request with message {(reply.Length > 0 ? reply[0] : -1)}");
            int pos = 1;
            return ReadString(reply, ref pos);
        }

        byte[] Request(byte[] message)
        {
            using (var stream = Open())
            {
                var frame = new MemoryStream();
                WriteUInt32(frame, (uint)message.Length);
                frame.Write(message, 0, message.Length);
                var bytes = frame.ToArray();
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush();
                var lengthBytes = ReadExactly(stream, 4);
                int p = 0;
                uint length = ReadUInt32(lengthBytes, ref p);
                if (length > 256 * 1024) throw new IOException($"the agent at {Path} sent a reply of {length} bytes");
                return ReadExactly(stream, (int)length);
            }
        }

        Stream Open()
        {
            if (Path.StartsWith(@"\\.\pipe\", StringComparison.OrdinalIgnoreCase))
            {
                var pipe = new NamedPipeClientStream(".", Path.Substring(@"\\.\pipe\".Length), PipeDirection.InOut);
                pipe.Connect(5000);
                return pipe;
            }
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                socket.Connect(UnixEndPoint(Path));
                socket.ReceiveTimeout = socket.SendTimeout = 30000;
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        // UnixDomainSocketEndPoint is in every runtime PowerShell 7 runs on, but not in netstandard2.0's surface.
        static EndPoint UnixEndPoint(string path)
        {
            var type = Type.GetType("System.Net.Sockets.UnixDomainSocketEndPoint, System.Net.Sockets")
                       ?? typeof(Socket).Assembly.GetType("System.Net.Sockets.UnixDomainSocketEndPoint")
                       ?? throw new PlatformNotSupportedException("This .NET has no Unix domain sockets; the SSH agent needs PowerShell 7 on Linux or macOS.");
            return (EndPoint)Activator.CreateInstance(type, path);
        }

        static byte[] ReadExactly(Stream s, int count)
        {
            var buffer = new byte[count];
            int read = 0;
            while (read < count)
            {
                int n = s.Read(buffer, read, count - read);
                if (n <= 0) throw new EndOfStreamException("the agent closed the connection");
                read += n;
            }
            return buffer;
        }

        static uint ReadUInt32(byte[] b, ref int pos)
        {
            if (pos + 4 > b.Length) throw new IOException("a truncated agent reply");
            uint v = (uint)(b[pos] << 24 | b[pos + 1] << 16 | b[pos + 2] << 8 | b[pos + 3]);
            pos += 4;
            return v;
        }

        static byte[] ReadString(byte[] b, ref int pos)
        {
            uint n = ReadUInt32(b, ref pos);
            if (n > b.Length - pos) throw new IOException("a truncated agent reply");
            var s = new byte[n];
            Buffer.BlockCopy(b, pos, s, 0, (int)n);
            pos += (int)n;
            return s;
        }

        static void WriteUInt32(Stream s, uint v)
        {
            s.WriteByte((byte)(v >> 24)); s.WriteByte((byte)(v >> 16)); s.WriteByte((byte)(v >> 8)); s.WriteByte((byte)v);
        }

        static void WriteString(Stream s, byte[] data)
        {
            WriteUInt32(s, (uint)data.Length);
            s.Write(data, 0, data.Length);
        }

        /// <summary>Where the agent is: IdentityAgent from ssh_config when set (none: no agent), else SSH_AUTH_SOCK, else on Windows the OpenSSH agent's pipe.</summary>
        public static string Locate(string identityAgent, Func<string, string> environment)
        {
            if (identityAgent != null)
            {
                if (string.Equals(identityAgent, "none", StringComparison.OrdinalIgnoreCase)) return null;
                if (identityAgent == "SSH_AUTH_SOCK") return NullIfEmpty(environment("SSH_AUTH_SOCK"));
                if (identityAgent.StartsWith("$", StringComparison.Ordinal)) return NullIfEmpty(environment(identityAgent.Substring(1)));
                return identityAgent;
            }
            return NullIfEmpty(environment("SSH_AUTH_SOCK")) ?? (RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? WindowsPipe : null);
        }

        static string NullIfEmpty(string s) => string.IsNullOrEmpty(s) ? null : s;
    }
}
