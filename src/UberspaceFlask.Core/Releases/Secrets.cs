using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using UberspaceFlask.Core.Host;

namespace UberspaceFlask.Core.Releases
{
    /// <summary>A secret as the host lists it: the name and its fingerprint (<see cref="SecretsFile.Fingerprint"/>).</summary>
    public sealed class SecretEntry
    {
        public SecretEntry(string name, string sha256) { Name = name; Sha256 = sha256; }
        public string Name { get; }
        public string Sha256 { get; }
    }

    /// <summary>What Set-/Remove-FlaskSecret act on, validated before any round trip; Value is null for a removal.</summary>
    public sealed class SecretSpec
    {
        SecretSpec(string app, string name, byte[] value) { App = app; Name = name; Value = value; }
        public string App { get; }
        public string Name { get; }
        public byte[] Value { get; }

        public static SecretSpec Create(string app, string name, byte[] value) =>
            new SecretSpec(InputValidation.AppName(app), Secrets.ValidateName(name), value);
    }

    /// <summary>
    /// An app's secrets on a host: one file of mode 0600 that only the app's WSGI shim reads. A value travels in the
    /// command's environment (see <see cref="IHostTransport.Run"/>), never in an argument, a log or an ini file.
    /// </summary>
    public static class Secrets
    {
        static readonly Regex NameRx = new Regex(@"\A[A-Za-z_][A-Za-z0-9_]{0,127}\z", RegexOptions.CultureInvariant);

        public static string ValidateName(string name)
        {
            if (name == null || !NameRx.IsMatch(name) || name.StartsWith("UF_", StringComparison.Ordinal))
                throw new UberspaceException("InvalidSecretName", FailureKind.InvalidArgument,
                    $"The secret name '{InputValidation.Show(name)}' is not valid: use an environment variable name (letters, digits, '_', not starting with a digit or UF_).", name);
            return name;
        }

        /// <summary>
        /// Setting a secret, planned against the list the host shows: nothing to do when the value's SHA-256 is the one
        /// stored already; otherwise one change, adding or replacing it (the value never appears in it).
        /// </summary>
        public static List<Change> PlanSet(IEnumerable<SecretEntry> current, string app, string name, byte[] value)
        {
            var existing = current.FirstOrDefault(e => e.Name == name);
            if (existing != null && existing.Sha256 == SecretsFile.Fingerprint(value)) return new List<Change>();
            return new List<Change>
            {
                new Change(existing == null ? "Set secret" : "Replace secret", $"secret {name} of {app} (takes effect at the next publish or Restart-FlaskApp)"),
            };
        }

        /// <summary>Removing a secret: SecretNotFound when the host has none of that name.</summary>
        public static List<Change> PlanRemove(IEnumerable<SecretEntry> current, string app, string name, string where)
        {
            if (!current.Any(e => e.Name == name))
                throw HostErrors.SecretNotFound(app, name, where);
            return new List<Change> { new Change("Remove secret", $"secret {name} of {app} (takes effect at the next publish or Restart-FlaskApp)") };
        }

        public static List<SecretEntry> Set(HostShell shell, string app, string name, byte[] value)
        {
            var r = shell.RunScript("releases/secret", new[] { ScriptArgument.Of(PublishLayout.RootFor(app)), "set", name }, null, SecretsFile.Line(name, value));
            if (r.ExitStatus != 0) throw r.Failure("SecretWriteFailed", "Writing the secret " + name, shell.Where);
            return Read(r.Output);
        }

        public static List<SecretEntry> Remove(HostShell shell, string app, string name)
        {
            var r = shell.RunScript("releases/secret", new[] { ScriptArgument.Of(PublishLayout.RootFor(app)), "remove", name });
            if (r.ExitStatus == ExitCodes.NotFound)
                throw HostErrors.SecretNotFound(app, name, shell.Where);
            if (r.ExitStatus != 0) throw r.Failure("SecretWriteFailed", "Removing the secret " + name, shell.Where);
            return Read(r.Output);
        }

        public static List<SecretEntry> List(HostShell shell, string app)
        {
            var r = shell.RunScriptChecked("releases/secret", "SecretReadFailed", "Listing the secrets", new[] { ScriptArgument.Of(PublishLayout.RootFor(app)), "list", "" });
            return Read(r.Output);
        }

        public static List<SecretEntry> Read(ScriptOutput o) =>
            o.Text("secrets").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)
                .Select(l => l.Split(' ')).Where(p => p.Length == 2).Select(p => new SecretEntry(p[0], p[1])).ToList();
    }
}
