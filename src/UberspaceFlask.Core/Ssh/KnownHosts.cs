using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace UberspaceFlask.Core.Ssh
{
    /// <summary>Fingerprints as `ssh-keygen -l` prints them.</summary>
    public static class Fingerprint
    {
        public static string Sha256(byte[] keyBlob)
        {
            using (var sha = SHA256.Create())
                return "SHA256:" + Convert.ToBase64String(sha.ComputeHash(keyBlob)).TrimEnd('=');
        }

        /// <summary>"ssh-ed25519" -> "ED25519", as ssh-keygen names key types.</summary>
        public static string KeyTypeLabel(string keyType)
        {
            if (keyType == null) return "";
            if (keyType.StartsWith("ssh-ed25519", StringComparison.Ordinal)) return "ED25519";
            if (keyType.StartsWith("ecdsa", StringComparison.Ordinal)) return "ECDSA";
            if (keyType.StartsWith("ssh-rsa", StringComparison.Ordinal) || keyType.StartsWith("rsa-sha2", StringComparison.Ordinal)) return "RSA";
            if (keyType.StartsWith("ssh-dss", StringComparison.Ordinal)) return "DSA";
            return keyType.ToUpperInvariant();
        }

        /// <summary>The key type stored inside an SSH public key blob (its first string).</summary>
        public static string BlobKeyType(byte[] blob)
        {
            if (blob == null || blob.Length < 4) return null;
            int len = (blob[0] << 24) | (blob[1] << 16) | (blob[2] << 8) | blob[3];
            return len > 0 && len <= blob.Length - 4 ? Encoding.ASCII.GetString(blob, 4, len) : null;
        }
    }

    public sealed class KnownHostEntry
    {
        public string File { get; set; }
        public int LineNumber { get; set; }
        public string KeyType { get; set; }
        public byte[] KeyBlob { get; set; }
        public bool Revoked { get; set; }
        public string Fingerprint => Ssh.Fingerprint.Sha256(KeyBlob);
    }

    /// <summary>OpenSSH known_hosts: plain and hashed (|1|salt|hash) host patterns, [host]:port, wildcards, negation, @revoked.</summary>
    public static class KnownHosts
    {
        /// <summary>The name known_hosts stores for a host: "host" on port 22, "[host]:port" otherwise.</summary>
        public static string HostKeyName(string host, int port) => port == 22 ? host.ToLowerInvariant() : $"[{host.ToLowerInvariant()}]:{port}";

        public static List<KnownHostEntry> Find(IEnumerable<string> files, string host, int port)
        {
            var found = new List<KnownHostEntry>();
            foreach (var file in files)
            {
                if (file == null || !System.IO.File.Exists(file)) continue;
                int n = 0;
                foreach (var raw in System.IO.File.ReadAllLines(file))
                {
                    n++;
                    var e = ParseLine(raw, host, port);
                    if (e != null) { e.File = file; e.LineNumber = n; found.Add(e); }
                }
            }
            return found;
        }

        /// <summary>The entry on this line if it applies to host:port, else null. Malformed lines are skipped.</summary>
        public static KnownHostEntry ParseLine(string line, string host, int port)
        {
            line = line.Trim();
            if (line.Length == 0 || line[0] == '#') return null;
            var parts = line.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
            int i = 0;
            bool revoked = false;
            if (parts.Length > 0 && parts[0].StartsWith("@", StringComparison.Ordinal))
            {
                if (parts[0] == "@revoked") revoked = true;
                else return null; // @cert-authority: certificates are not supported; ignore rather than trust.
                i = 1;
            }
            if (parts.Length < i + 3) return null;
            if (!HostMatches(parts[i], host, port)) return null;
            byte[] blob;
            try { blob = Convert.FromBase64String(parts[i + 2]); }
            catch (FormatException) { return null; }
            return new KnownHostEntry { KeyType = parts[i + 1], KeyBlob = blob, Revoked = revoked };
        }

        public static bool HostMatches(string patterns, string host, int port)
        {
            string name = HostKeyName(host, port);
            if (patterns.StartsWith("|1|", StringComparison.Ordinal))
                return HashedMatches(patterns, name);
            bool matched = false;
            foreach (var p in patterns.Split(','))
            {
                bool negate = p.StartsWith("!", StringComparison.Ordinal);
                string pat = negate ? p.Substring(1) : p;
                if (Glob(pat.ToLowerInvariant(), name))
                {
                    if (negate) return false;
                    matched = true;
                }
            }
            return matched;
        }

        static bool HashedMatches(string field, string name)
        {
            var bits = field.Split('|'); // "", "1", salt, hash
            if (bits.Length != 4) return false;
            try
            {
                byte[] salt = Convert.FromBase64String(bits[2]);
                byte[] hash = Convert.FromBase64String(bits[3]);
                using (var h = new HMACSHA1(salt))
                {
                    var mine = h.ComputeHash(Encoding.ASCII.GetBytes(name));
                    if (mine.Length != hash.Length) return false;
                    int diff = 0;
                    for (int i = 0; i < mine.Length; i++) diff |= mine[i] ^ hash[i];
                    return diff == 0;
                }
            }
            catch (FormatException) { return false; }
        }

        /// <summary>OpenSSH's pattern syntax: '*' any run, '?' one character.</summary>
        public static bool Glob(string pattern, string text)
        {
            int p = 0, t = 0, star = -1, mark = 0;
            while (t < text.Length)
            {
                if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t])) { p++; t++; }
                else if (p < pattern.Length && pattern[p] == '*') { star = p++; mark = t; }
                else if (star >= 0) { p = star + 1; t = ++mark; }
                else return false;
            }
            while (p < pattern.Length && pattern[p] == '*') p++;
            return p == pattern.Length;
        }

        /// <summary>Appends a plain entry, creating the file (0600) and its directory (0700) as OpenSSH would.</summary>
        public static void Append(string file, string host, int port, string keyType, byte[] blob)
        {
            string dir = Path.GetDirectoryName(Path.GetFullPath(file));
            // As ssh makes them: ~/.ssh 0700, known_hosts 0600.
            if (!Directory.Exists(dir)) { Directory.CreateDirectory(dir); UnixMode.Set(dir, 0x1C0); }
            bool created = !System.IO.File.Exists(file);
            string line = HostKeyName(host, port) + " " + keyType + " " + Convert.ToBase64String(blob);
            bool needsNewline = !created && new FileInfo(file).Length > 0 && !EndsWithNewline(file);
            System.IO.File.AppendAllText(file, (needsNewline ? "\n" : "") + line + "\n");
            if (created) UnixMode.Set(file, 0x180);
        }

        static bool EndsWithNewline(string file)
        {
            using (var fs = System.IO.File.OpenRead(file))
            {
                fs.Seek(-1, SeekOrigin.End);
                return fs.ReadByte() == '\n';
            }
        }
    }

    /// <summary>chmod on Unix (netstandard2.0 has no File.SetUnixFileMode); nothing on Windows, where ACLs apply.</summary>
    static class UnixMode
    {
        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true, EntryPoint = "chmod")]
        static extern int Chmod(string path, uint mode);

        public static void Set(string path, uint mode)
        {
            if (System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows)) return;
            try { Chmod(path, mode); } catch (DllNotFoundException) { } catch (EntryPointNotFoundException) { }
        }
    }
}
