using System.Linq;
using System.Collections.Generic;
using System;
using System.Text.RegularExpressions;

namespace UberspaceFlask.Core
{
    /// <summary>
    /// Input checks that run before anything is read or written. Each failure has its own ErrorId.
    /// Allow-lists, not deny-lists: what passes here is safe in a shell word, an ini value and a path.
    /// Every pattern is anchored with \A and \z: .NET's '$' also matches before a final '\n', which let
    /// "/app\n" through once. No line break of any kind passes any of them.
    /// </summary>
    public static class InputValidation
    {
        static readonly Regex NameRx = new Regex(@"\A[A-Za-z0-9_][A-Za-z0-9_-]{0,63}\z", RegexOptions.CultureInvariant);
        static readonly Regex IdentifierRx = new Regex(@"\A[A-Za-z_][A-Za-z0-9_]{0,99}\z", RegexOptions.CultureInvariant);
        // Characters allowed in host paths: no spaces, quotes, '%' (supervisord interpolation), ';' or control characters.
        static readonly Regex PathRx = new Regex(@"\A[A-Za-z0-9_./~+-]+\z", RegexOptions.CultureInvariant);
        static readonly Regex UrlPathRx = new Regex(@"\A/[A-Za-z0-9_./~-]*\z", RegexOptions.CultureInvariant);
        static readonly Regex DomainRx = new Regex(@"\A(?=.{1,253}\z)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\z", RegexOptions.CultureInvariant);
        static readonly Regex PackageRx = new Regex(@"\A[A-Za-z0-9][A-Za-z0-9_.\-\[\],<>=!~+]*\z", RegexOptions.CultureInvariant);
        static readonly Regex PluginRx = new Regex(@"\A[A-Za-z0-9_]{1,64}\z", RegexOptions.CultureInvariant);
        static readonly Regex FrontendUrlRx = new Regex(@"\Ahttps?://[A-Za-z0-9.\-\[\]:]+/?\z", RegexOptions.CultureInvariant);

        public const int MinPort = 1024;
        public const int MaxPort = 65535;

        static UberspaceException Invalid(string errorId, string message, object target) =>
            new UberspaceException(errorId, FailureKind.InvalidArgument, message, target);

        /// <summary>An app or directory name: letters, digits, '_' and '-', not starting with '-'.</summary>
        public static string AppName(string name)
        {
            if (name == null || !NameRx.IsMatch(name))
                throw Invalid("InvalidAppName",
                    $"The app name '{Show(name)}' is not valid. Use 1-64 letters, digits, '_' or '-', not starting with '-' (for example 'basic_flask').", name);
            return name;
        }

        /// <summary>A supervisord program name; the same rules as an app name.</summary>
        public static string ServiceName(string name)
        {
            if (name == null || !NameRx.IsMatch(name))
                throw Invalid("InvalidServiceName",
                    $"The service name '{Show(name)}' is not valid. Use 1-64 letters, digits, '_' or '-', not starting with '-' (for example 'flask').", name);
            return name;
        }

        /// <summary>The Python module uWSGI imports the app from (app.py -> 'app').</summary>
        public static string EntryModule(string module)
        {
            if (module == null || !IdentifierRx.IsMatch(module))
                throw Invalid("InvalidEntryModule",
                    $"The entry module '{Show(module)}' is not a Python identifier. Give the module name without '.py' (for example 'app').", module);
            return module;
        }

        public static int Port(int port)
        {
            if (port < MinPort || port > MaxPort)
                throw Invalid("InvalidPort",
                    $"The port {port} is outside {MinPort}-{MaxPort}, the range Uberspace allows for web backends.", port);
            return port;
        }

        /// <summary>A URL path such as '/', '/app' or '/your/path'. Returns it without a trailing slash (except '/').</summary>
        public static string MountPath(string path, string errorId = "InvalidMountPath")
        {
            if (path == null || !UrlPathRx.IsMatch(path) || HasDotSegment(path) || path.Contains("//"))
                throw Invalid(errorId,
                    $"The path '{Show(path)}' is not valid. It must start with '/', and hold only letters, digits and '_', '.', '-', '~', '/' (no '..' or '//').", path);
            return path.Length > 1 ? path.TrimEnd('/') : path;
        }

        public static string Domain(string domain)
        {
            if (domain == null || !DomainRx.IsMatch(domain))
                throw Invalid("InvalidDomain", $"The domain '{Show(domain)}' is not a valid host name (for example 'example.org').", domain);
            return domain.ToLowerInvariant();
        }

        /// <summary>A path on the host, absolute or relative to the home, with '~' allowed at the start.</summary>
        public static string HostPath(string path, string errorId = "InvalidPath")
        {
            if (string.IsNullOrEmpty(path) || !PathRx.IsMatch(path) || HasDotSegment(path) || path.StartsWith("-", StringComparison.Ordinal)
                || (path.IndexOf('~') > 0))
                throw Invalid(errorId,
                    $"The path '{Show(path)}' is not valid here. Use letters, digits and '_', '.', '-', '+', '/', with '~' only at the start, and no '..' segments.", path);
            return path;
        }

        public static string PackageSpec(string spec)
        {
            if (spec == null || !PackageRx.IsMatch(spec))
                throw Invalid("InvalidPackage", $"'{Show(spec)}' is not a package requirement pip understands (for example 'flask' or 'flask>=3').", spec);
            return spec;
        }

        /// <summary>One pip argument: any text on one line (it travels as one quoted word).</summary>
        public static string PipArgument(string argument)
        {
            if (argument == null || HasLineBreakOrNul(argument))
                throw Invalid("InvalidPipArgument", "A pip argument must be one line of text.", Redaction.PipArgument(argument));
            return argument;
        }

        /// <summary>A command as an argv (a release command, a one-off command): at least one word, the first not empty,
        /// no word with a line break or NUL. It never passes through a shell.</summary>
        public static List<string> CommandWords(IEnumerable<string> words, string errorId, string parameter)
        {
            var list = (words ?? Enumerable.Empty<string>()).ToList();
            if (list.Count == 0 || string.IsNullOrEmpty(list[0]))
                throw Invalid(errorId, $"{parameter} needs a command: the program first, then its arguments, one word each (an argv, not a shell line).", parameter);
            int bad = list.FindIndex(w => w == null || HasLineBreakOrNul(w));
            if (bad >= 0)
                throw Invalid(errorId, $"A word of {parameter} holds a line break or a NUL: '{Show(list[bad])}'. Give each argument as one line of text.", list[bad]);
            return list;
        }

        public static string Plugin(string plugin)
        {
            if (plugin == null || !PluginRx.IsMatch(plugin))
                throw Invalid("InvalidPlugin", $"'{Show(plugin)}' is not a uWSGI plugin name (for example 'python3').", plugin);
            return plugin;
        }

        public static string FrontendUrl(string url)
        {
            if (url != null && !FrontendUrlRx.IsMatch(url))
                throw Invalid("InvalidFrontendUrl", $"'{Show(url)}' is not a base URL such as https://isabell.uber.space.", url);
            return url?.TrimEnd('/');
        }

        // One rule and one ErrorId per parameter meaning, whichever cmdlet takes it.
        public static int Processes(int n) => Range(n, 1, 64, "InvalidProcessCount", "-Processes (an Uberspace account has 1.5 GB of RAM; 1 or 2 is usual)");
        public static int Threads(int n) => Range(n, 0, 256, "InvalidThreadCount", "-Threads (0 means uWSGI's default of no extra threads)");
        public static string Python(string python) => HostPath(python, "InvalidPython");

        public static int Range(int value, int min, int max, string errorId, string what)
        {
            if (value < min || value > max)
                throw Invalid(errorId, $"{what} {value} is outside {min}-{max}.", value);
            return value;
        }

        /// <summary>Free text that ends up in generated files (the page's message). Any printable text is fine; it is escaped where it lands.</summary>
        public static string Message(string message)
        {
            if (message == null) throw Invalid("InvalidMessage", "The message must not be null.", null);
            for (int i = 0; i < message.Length; i++)
            {
                char c = message[i];
                bool loneSurrogate = char.IsHighSurrogate(c) ? i + 1 >= message.Length || !char.IsLowSurrogate(message[i + 1])
                                   : char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(message[i - 1]));
                if ((char.IsControl(c) && c != '\t') || IsLineBreak(c) || loneSurrogate)
                    throw Invalid("InvalidMessage", "The message must be a single line of text without control characters.", Show(message));
            }
            return message;
        }

        /// <summary>Line feed, carriage return, vertical tab, form feed, NEL and the Unicode line and paragraph separators.</summary>
        public static bool IsLineBreak(char c) => c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == '\u0085' || c == '\u2028' || c == '\u2029';

        static bool HasLineBreakOrNul(string s)
        {
            foreach (char c in s) if (c == '\0' || IsLineBreak(c)) return true;
            return false;
        }

        static bool HasDotSegment(string path)
        {
            foreach (var seg in path.Split('/'))
                if (seg == ".." || seg == ".") return true;
            return false;
        }

        /// <summary>Shows a bad value in a message without letting control characters mangle the console.</summary>
        public static string Show(string value)
        {
            if (value == null) return "<null>";
            var sb = new System.Text.StringBuilder();
            foreach (char c in value)
                sb.Append(char.IsControl(c) || IsLineBreak(c) ? $"\\u{(int)c:x4}" : c.ToString());
            return sb.ToString();
        }
    }
}
