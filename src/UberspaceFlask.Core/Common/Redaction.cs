using System.Text.RegularExpressions;

namespace UberspaceFlask.Core
{
    /// <summary>
    /// What of a pip argument may be shown in -Verbose, -WhatIf and errors: an index URL often carries a token
    /// (https://user:TOKEN@host/simple, or ?token=...), so the credentials part is replaced by '***'.
    /// </summary>
    public static class Redaction
    {
        static readonly Regex UserInfo = new Regex(@"(?<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?<user>[^/@\s:]*)(:[^/@\s]*)?@", RegexOptions.CultureInvariant);
        static readonly Regex SecretQuery = new Regex(@"(?<key>[?&;](access_token|token|password|passwd|secret|api_key|apikey|key)=)[^&;#\s]*",
            RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

        public const string Mask = "***";

        public static string PipArgument(string argument)
        {
            if (argument == null) return null;
            string s = UserInfo.Replace(argument, m => m.Groups["scheme"].Value + Mask + "@");
            return SecretQuery.Replace(s, m => m.Groups["key"].Value + Mask);
        }
    }
}
