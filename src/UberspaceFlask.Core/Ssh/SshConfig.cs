using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace UberspaceFlask.Core.Ssh
{
    /// <summary>What ~/.ssh/config says for one host: the keywords this module honours.</summary>
    public sealed class SshHostConfig
    {
        public string HostName { get; set; }
        public string User { get; set; }
        public int? Port { get; set; }
        public List<string> IdentityFiles { get; } = new List<string>();
        public List<string> UserKnownHostsFiles { get; } = new List<string>();
        /// <summary>UserKnownHostsFile none: no user known_hosts file at all.</summary>
        public bool UserKnownHostsNone { get; set; }
        /// <summary>IdentityAgent: a socket or pipe path, "SSH_AUTH_SOCK", "$VAR", or "none"; null when not set.</summary>
        public string IdentityAgent { get; set; }
        /// <summary>IdentitiesOnly yes: only the IdentityFile keys, also from the agent.</summary>
        public bool? IdentitiesOnly { get; set; }
    }

    /// <summary>
    /// A reader for OpenSSH's client config: Host blocks with patterns and negation, first value wins,
    /// IdentityFile accumulates, Include (with globs, relative paths from ~/.ssh) read in place as ssh does.
    /// Match blocks are not evaluated (their settings are skipped).
    /// </summary>
    public static class SshConfig
    {
        public static SshHostConfig Resolve(string configFile, string alias, string localHome, string localUser)
        {
            var result = new SshHostConfig();
            if (configFile == null || !File.Exists(configFile)) return result;
            bool active = true; // settings before the first Host line apply to all hosts
            foreach (var raw in Lines(configFile, localHome, 0))
            {
                if (raw == EndOfInclude) { active = true; continue; }
                string line = raw.Trim();
                if (line.Length == 0 || line[0] == '#') continue;
                SplitKeyword(line, out string key, out string value);
                if (key == null) continue;
                switch (key)
                {
                    case "host":
                        active = HostLineMatches(value, alias);
                        continue;
                    case "match":
                        active = false; // not evaluated: never applied
                        continue;
                }
                if (!active) continue;
                switch (key)
                {
                    case "hostname": if (result.HostName == null) result.HostName = Unquote(value); break;
                    case "user": if (result.User == null) result.User = Unquote(value); break;
                    case "port": if (result.Port == null && int.TryParse(Unquote(value), out int p)) result.Port = p; break;
                    case "identityfile": result.IdentityFiles.Add(Unquote(value)); break;
                    case "identityagent": if (result.IdentityAgent == null) result.IdentityAgent = Unquote(value); break;
                    case "identitiesonly": if (result.IdentitiesOnly == null) result.IdentitiesOnly = Unquote(value).Equals("yes", StringComparison.OrdinalIgnoreCase); break;
                    case "userknownhostsfile":
                        if (result.UserKnownHostsFiles.Count == 0 && !result.UserKnownHostsNone)
                        {
                            if (Unquote(value).Equals("none", StringComparison.OrdinalIgnoreCase)) { result.UserKnownHostsNone = true; break; }
                            foreach (var f in value.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries))
                                result.UserKnownHostsFiles.Add(Unquote(f));
                        }
                        break;
                }
            }
            // Tokens are expanded once everything is known (%h needs the final HostName).
            string host = result.HostName ?? alias;
            string user = result.User ?? localUser;
            int port = result.Port ?? 22;
            if (result.HostName != null) result.HostName = Expand(result.HostName, alias, alias, user, port, localHome, localUser);
            if (result.IdentityAgent != null && result.IdentityAgent != "SSH_AUTH_SOCK" && !result.IdentityAgent.StartsWith("$", StringComparison.Ordinal))
                result.IdentityAgent = Expand(result.IdentityAgent, host, alias, user, port, localHome, localUser);
            for (int i = 0; i < result.IdentityFiles.Count; i++)
                result.IdentityFiles[i] = Expand(result.IdentityFiles[i], host, alias, user, port, localHome, localUser);
            for (int i = 0; i < result.UserKnownHostsFiles.Count; i++)
                result.UserKnownHostsFiles[i] = Expand(result.UserKnownHostsFiles[i], host, alias, user, port, localHome, localUser);
            return result;
        }

        // A line that ends an included file: the block that was active before the Include is active again.
        const string EndOfInclude = "\0end-of-include";

        /// <summary>The config's lines with every Include replaced by the files it names (sorted glob matches), as ssh reads them.</summary>
        static IEnumerable<string> Lines(string file, string localHome, int depth)
        {
            foreach (var raw in File.ReadAllLines(file))
            {
                SplitKeyword(raw.Trim(), out string key, out string value);
                if (key != "include") { yield return raw; continue; }
                if (depth >= 16) throw new UberspaceException("SshConfigInvalid", FailureKind.InvalidData, $"Include nests deeper than 16 levels in {file}.", file);
                foreach (var pattern in value.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries))
                {
                    foreach (var included in IncludedFiles(Unquote(pattern), localHome))
                    {
                        foreach (var line in Lines(included, localHome, depth + 1)) yield return line;
                    }
                }
                yield return EndOfInclude;
            }
        }

        /// <summary>The files an Include pattern names: ~ expanded, relative to ~/.ssh, * and ? globs in the last part.</summary>
        public static IEnumerable<string> IncludedFiles(string pattern, string localHome)
        {
            string path = pattern.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(localHome, pattern.Substring(2))
                : Path.IsPathRooted(pattern) ? pattern : Path.Combine(localHome, ".ssh", pattern);
            string dir = Path.GetDirectoryName(path), name = Path.GetFileName(path);
            if (dir == null || !Directory.Exists(dir)) return new string[0];
            if (name.IndexOfAny(new[] { '*', '?' }) < 0) return File.Exists(path) ? new[] { path } : new string[0];
            var matches = Directory.GetFiles(dir).Where(f => KnownHosts.Glob(name, Path.GetFileName(f))).ToList();
            matches.Sort(StringComparer.Ordinal);
            return matches;
        }

        static void SplitKeyword(string line, out string key, out string value)
        {
            int i = 0;
            while (i < line.Length && !char.IsWhiteSpace(line[i]) && line[i] != '=') i++;
            key = i == 0 ? null : line.Substring(0, i).ToLowerInvariant();
            while (i < line.Length && (char.IsWhiteSpace(line[i]) || line[i] == '=')) i++;
            value = line.Substring(i).Trim();
        }

        static bool HostLineMatches(string patterns, string alias)
        {
            bool matched = false;
            foreach (var p in patterns.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries))
            {
                bool negate = p.StartsWith("!", StringComparison.Ordinal);
                string pat = Unquote(negate ? p.Substring(1) : p).ToLowerInvariant();
                if (KnownHosts.Glob(pat, alias.ToLowerInvariant()))
                {
                    if (negate) return false;
                    matched = true;
                }
            }
            return matched;
        }

        static string Unquote(string s) => s.Length >= 2 && s[0] == '"' && s[s.Length - 1] == '"' ? s.Substring(1, s.Length - 2) : s;

        public static string Expand(string value, string host, string alias, string user, int port, string localHome, string localUser)
        {
            if (value.StartsWith("~/", StringComparison.Ordinal)) value = localHome.TrimEnd('/', '\\') + value.Substring(1);
            var sb = new System.Text.StringBuilder();
            for (int i = 0; i < value.Length; i++)
            {
                if (value[i] != '%' || i + 1 >= value.Length) { sb.Append(value[i]); continue; }
                char t = value[++i];
                switch (t)
                {
                    case '%': sb.Append('%'); break;
                    case 'h': sb.Append(host); break;
                    case 'n': sb.Append(alias); break;
                    case 'r': sb.Append(user); break;
                    case 'p': sb.Append(port); break;
                    case 'd': sb.Append(localHome); break;
                    case 'u': sb.Append(localUser); break;
                    default: sb.Append('%').Append(t); break;
                }
            }
            return sb.ToString();
        }
    }
}
