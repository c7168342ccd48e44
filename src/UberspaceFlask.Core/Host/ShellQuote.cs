using System.Collections.Generic;
using System.Text;

namespace UberspaceFlask.Core.Host
{
    /// <summary>
    /// The one place that turns values into POSIX shell words. Every command the module runs on a host is
    /// built from these, so user text can never be parsed as shell syntax.
    /// </summary>
    public static class ShellQuote
    {
        /// <summary>Quotes one word: safe characters pass through, anything else is single-quoted.</summary>
        public static string Quote(string word)
        {
            if (word == null) throw new System.ArgumentNullException(nameof(word));
            if (word.Length > 0 && IsPlain(word)) return word;
            // Inside single quotes nothing is special except the quote itself, which is closed, escaped and reopened.
            return "'" + word.Replace("'", "'\\''") + "'";
        }

        /// <summary>Joins a program and its arguments into one command line, each word quoted.</summary>
        public static string Join(params string[] words) => Join((IEnumerable<string>)words);

        public static string Join(IEnumerable<string> words)
        {
            var sb = new StringBuilder();
            foreach (var w in words)
            {
                if (sb.Length > 0) sb.Append(' ');
                sb.Append(Quote(w));
            }
            return sb.ToString();
        }

        static bool IsPlain(string s)
        {
            foreach (char c in s)
            {
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                          || c == '_' || c == '-' || c == '.' || c == '/' || c == ':' || c == ',' || c == '+' || c == '=' || c == '@';
                if (!ok) return false;
            }
            // A word like '=foo' or one that starts with '~' would be special; '~' is already not plain.
            return true;
        }
    }
}
