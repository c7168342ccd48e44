using System;
using System.Collections.Generic;
using System.Linq;
using UberspaceFlask.Core.Transport;

namespace UberspaceFlask.Core
{
    public sealed class WebBackendSpec
    {
        public string Path { get; set; } = "/";
        public string Domain { get; set; }
        /// <summary>null with Apache = true.</summary>
        public int? Port { get; set; }
        public bool Apache { get; set; }
        public bool RemovePrefix { get; set; }
    }

    /// <summary>Drives `uberspace web backend` (Uberspace 7).</summary>
    public static class WebBackendManager
    {
        public static void ValidateSpec(WebBackendSpec spec)
        {
            spec.Path = Validate.MountPath(spec.Path ?? "/", "InvalidBackendPath");
            if (spec.Domain != null) spec.Domain = Validate.Domain(spec.Domain);
            if (spec.Apache)
            {
                if (spec.RemovePrefix)
                    throw new UberspaceException("InvalidBackendOptions", FailureKind.InvalidArgument, "-RemovePrefix applies to HTTP backends only, not to -Apache.", spec.Path);
            }
            else
            {
                if (spec.Port == null)
                    throw new UberspaceException("PortRequired", FailureKind.InvalidArgument,
                        "Give -Port, or pipe the output of Register-SupervisorService or New-UwsgiConfig.", spec.Path);
                Validate.Port(spec.Port.Value);
            }
        }

        public static List<string> SetArguments(WebBackendSpec spec)
        {
            var args = new List<string> { "uberspace", "web", "backend", "set", WebBackendList.TargetFor(spec.Domain, spec.Path) };
            if (spec.Apache) args.Add("--apache");
            else { args.Add("--http"); args.Add("--port"); args.Add(spec.Port.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)); }
            if (spec.RemovePrefix) args.Add("--remove-prefix");
            return args;
        }

        public const string ListCacheKey = "uberspace web backend list";
        static readonly TimeSpan ListCacheAge = TimeSpan.FromSeconds(30);

        public static List<WebBackendEntry> List(HostShell shell)
        {
            string handedOver = shell.Transport.Cache.Take(ListCacheKey, ListCacheAge);
            if (handedOver != null)
            {
                shell.Log.Verbose($"[{shell.Transport.Description}] uberspace web backend list: as read a moment ago by Register-SupervisorService");
                return WebBackendList.Parse(handedOver);
            }
            var r = shell.Run("uberspace web backend list");
            ThrowIfMissing(shell, r);
            if (r.ExitStatus != 0)
                throw new UberspaceException("WebBackendListFailed", FailureKind.InvalidOperation,
                    $"'uberspace web backend list' failed (exit {r.ExitStatus}): {r.CombinedOutput}", "list") { Detail = r.CombinedOutput };
            return WebBackendList.Parse(r.Stdout);
        }

        /// <summary>Whether a listed backend already is what the spec asks for.</summary>
        public static bool IsSatisfied(WebBackendEntry e, WebBackendSpec spec) =>
            e != null && !e.IsDefault && (spec.Apache
                ? e.Kind == "apache"
                : e.Kind == "http" && e.Port == spec.Port && e.RemovePrefix == spec.RemovePrefix);

        /// <summary>Sets the backend and returns its line from `list`, with the status the frontend sees.</summary>
        public static WebBackendEntry Set(HostShell shell, WebBackendSpec spec)
        {
            ValidateSpec(spec);
            string command = ShellQuote.Join(SetArguments(spec));
            shell.Transport.Cache.Forget(ListCacheKey);
            var r = shell.Run(command);
            ThrowIfMissing(shell, r);
            if (r.ExitStatus != 0)
                throw new UberspaceException("WebBackendSetFailed", FailureKind.InvalidOperation,
                    $"'{command}' failed (exit {r.ExitStatus}): {r.CombinedOutput}", WebBackendList.TargetFor(spec.Domain, spec.Path)) { Detail = r.CombinedOutput };
            return Find(shell, spec.Domain, spec.Path);
        }

        /// <summary>`uberspace web backend del`; a backend that is not listed is an error.</summary>
        public static void Remove(HostShell shell, string domain, string path)
        {
            path = Validate.MountPath(path ?? "/", "InvalidBackendPath");
            if (domain != null) domain = Validate.Domain(domain);
            string target = WebBackendList.TargetFor(domain, path);
            var existing = List(shell).FirstOrDefault(e => WebBackendList.Matches(e, domain, path));
            if (existing == null || existing.IsDefault)
                throw new UberspaceException("WebBackendNotFound", FailureKind.ObjectNotFound,
                    $"There is no web backend for {target} on {shell.Transport.Description}.", target);
            string command = ShellQuote.Join("uberspace", "web", "backend", "del", target);
            shell.Transport.Cache.Forget(ListCacheKey);
            var r = shell.Run(command);
            ThrowIfMissing(shell, r);
            if (r.ExitStatus != 0)
                throw new UberspaceException("WebBackendRemoveFailed", FailureKind.InvalidOperation,
                    $"'{command}' failed (exit {r.ExitStatus}): {r.CombinedOutput}", target) { Detail = r.CombinedOutput };
        }

        public static WebBackendEntry Find(HostShell shell, string domain, string path) =>
            List(shell).FirstOrDefault(e => WebBackendList.Matches(e, domain, path))
            ?? throw new UberspaceException("WebBackendNotListed", FailureKind.InvalidData,
                $"The backend for {WebBackendList.TargetFor(domain, path)} was set but 'uberspace web backend list' does not show it.", path);

        static void ThrowIfMissing(HostShell shell, Transport.CommandResult r)
        {
            if (r.ExitStatus == 127)
                throw new UberspaceException("UberspaceCommandNotFound", FailureKind.NotInstalled,
                    $"The 'uberspace' command was not found on {shell.Transport.Description}. Is this an Uberspace 7 host?", "uberspace") { Detail = r.CombinedOutput };
        }
    }
}
