using System;
using System.Security.Cryptography;
using System.Text;

namespace UberspaceFlask.Core
{
    /// <summary>
    /// The seal on config files this module writes: a last comment line with a hash of the lines above it. A file
    /// whose seal still matches was not edited since, so a new rendering may replace it; one whose seal is missing
    /// or wrong was edited by hand and is replaced only with -Force (the old content kept beside it).
    /// Only ini files get a seal: app code and templates are the user's from the start.
    /// </summary>
    public static class GeneratedFile
    {
        const string Prefix = "# Written by UberspaceFlask; edits are kept unless you use -Force. sha256:";

        static bool Sealable(string path) => path.EndsWith(".ini", StringComparison.Ordinal);

        public static string Seal(string content, string path)
        {
            if (!Sealable(path)) return content;
            string body = content.EndsWith("\n", StringComparison.Ordinal) ? content : content + "\n";
            return body + Prefix + Hash(body) + "\n";
        }

        /// <summary>Whether text carries a seal that matches it; files without a seal count as edited.</summary>
        public static bool IsUntouched(string text)
        {
            if (text == null) return false;
            int i = text.LastIndexOf(Prefix, StringComparison.Ordinal);
            if (i < 0 || (i > 0 && text[i - 1] != '\n')) return false;
            string body = text.Substring(0, i);
            string rest = text.Substring(i + Prefix.Length).TrimEnd('\n');
            return rest == Hash(body);
        }

        /// <summary>The text without its seal line, for diff summaries (the seal changes with every other line).</summary>
        public static string Body(string text)
        {
            if (text == null) return null;
            int i = text.LastIndexOf(Prefix, StringComparison.Ordinal);
            return i >= 0 && (i == 0 || text[i - 1] == '\n') ? text.Substring(0, i) : text;
        }

        static string Hash(string body)
        {
            using (var sha = SHA256.Create())
            {
                var bytes = sha.ComputeHash(new UTF8Encoding(false).GetBytes(body));
                var sb = new StringBuilder();
                for (int i = 0; i < 8; i++) sb.Append(bytes[i].ToString("x2"));
                return sb.ToString();
            }
        }
    }
}
