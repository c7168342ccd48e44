using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace UberspaceFlask
{
    // Tab completion from what is known without the network: the caller's session variables, what a session has
    // already seen on its host, and the local machine's own files when no session is given.

    static class Completion
    {
        internal static IEnumerable<CompletionResult> Matching(IEnumerable<string> values, string wordToComplete, Func<string, string> quote = null)
        {
            string prefix = (wordToComplete ?? "").Trim('\'', '"');
            return values.Distinct(StringComparer.Ordinal)
                .Where(v => v.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(v => new CompletionResult(quote != null ? quote(v) : v, v, CompletionResultType.ParameterValue, v));
        }

        internal static UberspaceSession BoundSession(IDictionary fakeBoundParameters)
        {
            object value = fakeBoundParameters?["Session"];
            if (value is PSObject pso) value = pso.BaseObject;
            return value as UberspaceSession;
        }

        internal static string LocalHome => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
    }

    /// <summary>-Session: the variables that hold a session, as $name.</summary>
    public sealed class SessionCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string prefix = (wordToComplete ?? "").TrimStart('$');
            using (var ps = PowerShell.Create(RunspaceMode.CurrentRunspace))
            {
                var vars = ps.AddCommand("Get-Variable").Invoke<PSVariable>();
                foreach (var v in vars.Where(v => v.Value is UberspaceSession || (v.Value is PSObject p && p.BaseObject is UberspaceSession)))
                {
                    if (!v.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) continue;
                    var s = v.Value as UberspaceSession ?? (UberspaceSession)((PSObject)v.Value).BaseObject;
                    yield return new CompletionResult("$" + v.Name, "$" + v.Name, CompletionResultType.Variable, s.ToString());
                }
            }
        }
    }

    /// <summary>Register-SupervisorService -Name: services the session has seen, or ~/etc/services.d/*.ini locally.</summary>
    public sealed class ServiceNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var session = Completion.BoundSession(fakeBoundParameters);
            IEnumerable<string> names;
            if (session != null) names = session.SeenServices;
            else
            {
                string dir = Path.Combine(Completion.LocalHome, "etc", "services.d");
                names = Directory.Exists(dir) ? Directory.GetFiles(dir, "*.ini").Select(Path.GetFileNameWithoutExtension) : Enumerable.Empty<string>();
            }
            return Completion.Matching(names.Concat(new[] { "flask" }), wordToComplete);
        }
    }

    /// <summary>Set-WebBackend -Path: '/' and the backend paths the session has seen.</summary>
    public sealed class BackendPathCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var seen = Completion.BoundSession(fakeBoundParameters)?.SeenBackendPaths ?? Enumerable.Empty<string>();
            return Completion.Matching(new[] { "/" }.Concat(seen), wordToComplete);
        }
    }

    /// <summary>New-FlaskApp -Python: interpreters the session has seen, those on the local PATH, and Uberspace 7's.</summary>
    public sealed class PythonCompleter : IArgumentCompleter
    {
        // The versions the Uberspace 7 manual lists besides the system's python3 (3.6).
        static readonly string[] Uberspace7 = { "python3.10", "python3.11", "python3.12", "python3.13", "python3.14", "python3.6" };

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var session = Completion.BoundSession(fakeBoundParameters);
            IEnumerable<string> candidates = session != null ? session.SeenPythons.Select(Path.GetFileName) : LocalPythons();
            return Completion.Matching(candidates.Concat(Uberspace7), wordToComplete);
        }

        static IEnumerable<string> LocalPythons()
        {
            var found = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
            {
                try
                {
                    if (!Directory.Exists(dir)) continue;
                    foreach (var f in Directory.GetFiles(dir, "python3.*"))
                    {
                        string name = Path.GetFileName(f);
                        if (System.Text.RegularExpressions.Regex.IsMatch(name, @"^python3\.\d+$")) found.Add(name);
                    }
                }
                catch (UnauthorizedAccessException) { }
                catch (IOException) { }
            }
            return found.Reverse();
        }
    }
}
