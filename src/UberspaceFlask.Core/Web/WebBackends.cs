using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using UberspaceFlask.Core.Host;

namespace UberspaceFlask.Core.Web
{
    /// <summary>Set-WebBackend's input, validated once when made; never changed afterwards.</summary>
    public sealed class WebBackendSpec
    {
        WebBackendSpec() { }
        public string Path { get; private set; }
        public string Domain { get; private set; }
        /// <summary>null with Apache = true.</summary>
        public int? Port { get; private set; }
        public bool Apache { get; private set; }
        public bool RemovePrefix { get; private set; }
        public string Target => WebBackendList.TargetFor(Domain, Path);

        public static WebBackendSpec Create(string path, string domain, int? port, bool apache, bool removePrefix)
        {
            var spec = new WebBackendSpec
            {
                Path = InputValidation.MountPath(path ?? "/", "InvalidBackendPath"),
                Domain = string.IsNullOrEmpty(domain) ? null : InputValidation.Domain(domain),
                Apache = apache,
                RemovePrefix = removePrefix,
            };
            if (apache)
            {
                if (removePrefix)
                    throw new UberspaceException("InvalidBackendOptions", FailureKind.InvalidArgument, "-RemovePrefix applies to HTTP backends only, not to -Apache.", spec.Path);
            }
            else
            {
                if (port == null)
                    throw HostErrors.PortRequired("Give -Port, or pipe the output of Register-SupervisorService or New-UwsgiConfig.", spec.Path);
                spec.Port = InputValidation.Port(port.Value);
            }
            return spec;
        }

        /// <summary>For Remove-WebBackend: a target only.</summary>
        public static WebBackendSpec ForTarget(string path, string domain) =>
            new WebBackendSpec
            {
                Path = InputValidation.MountPath(path ?? "/", "InvalidBackendPath"),
                Domain = string.IsNullOrEmpty(domain) ? null : InputValidation.Domain(domain),
            };
    }

    /// <summary>
    /// `uberspace web backend list` as one step read it, handed to the next step in the pipeline's objects so a no-op
    /// re-run needs no round trip of its own for it. Used only while fresh; any change reads the list anew.
    /// </summary>
    public sealed class WebBackendListSnapshot
    {
        public WebBackendListSnapshot(string text, DateTime takenAtUtc, bool statusCurrent = true)
        {
            Text = text; TakenAtUtc = takenAtUtc; StatusCurrent = statusCurrent;
        }
        public string Text { get; }
        public DateTime TakenAtUtc { get; }
        /// <summary>
        /// Whether each line's status ("OK, listening: PID ...") is still what the host would show. A step that
        /// started or stopped a service keeps the lines (it changes no backend) but not their status.
        /// </summary>
        public bool StatusCurrent { get; }
        public bool IsFresh(DateTime nowUtc) => Freshness.IsFresh(TakenAtUtc, nowUtc);
    }

    public sealed class WebBackendPlan
    {
        public string Target { get; set; }
        public WebBackendEntry Current { get; set; }
        public List<string> Arguments { get; } = new List<string>();
        public List<Change> Changes { get; } = new List<Change>();
    }

    /// <summary>Drives `uberspace web backend` (Uberspace 7): list, set, del.</summary>
    public static class WebBackends
    {
        public static List<WebBackendEntry> List(HostShell shell) => WebBackendList.Parse(ListText(shell));

        /// <summary>`uberspace web backend list` as the host printed it (to hand over to the next step).</summary>
        public static string ListText(HostShell shell)
        {
            var r = shell.RunScript("web/backend", ScriptArgument.Of("list"));
            return ReadText(shell, r.Output, "backends", "backends-exit", "WebBackendListFailed", "'uberspace web backend list'");
        }

        static List<WebBackendEntry> Read(HostShell shell, ScriptOutput o, string section, string exitSection, string errorId, string what) =>
            WebBackendList.Parse(ReadText(shell, o, section, exitSection, errorId, what));

        static string ReadText(HostShell shell, ScriptOutput o, string section, string exitSection, string errorId, string what)
        {
            int exit = o.Exit(exitSection);
            string text = o.Text(section);
            if (exit == 127)
                throw new UberspaceException("UberspaceCommandNotFound", FailureKind.NotInstalled,
                    $"The 'uberspace' command was not found on {shell.Where}. Is this an Uberspace 7 host?", "uberspace") { Detail = text };
            if (exit != 0)
                throw new UberspaceException(errorId, FailureKind.InvalidOperation, $"{what} failed (exit {exit}): {text.Trim()}", what) { Detail = text };
            return text;
        }

        /// <summary>Whether a listed backend already is what the spec asks for.</summary>
        public static bool IsSatisfied(WebBackendEntry e, WebBackendSpec spec) =>
            e != null && !e.IsDefault && (spec.Apache
                ? e.Kind == "apache"
                : e.Kind == "http" && e.Port == spec.Port && e.RemovePrefix == spec.RemovePrefix);

        /// <summary>What Set-WebBackend does, from the spec and the listed backends alone (no host).</summary>
        public static WebBackendPlan PlanSet(WebBackendSpec spec, IEnumerable<WebBackendEntry> listed)
        {
            var plan = new WebBackendPlan { Target = spec.Target };
            plan.Current = listed.FirstOrDefault(e => WebBackendList.Matches(e, spec.Domain, spec.Path));
            if (IsSatisfied(plan.Current, spec)) return plan;
            plan.Arguments.Add(spec.Target);
            if (spec.Apache) plan.Arguments.Add("--apache");
            else plan.Arguments.AddRange(new[] { "--http", "--port", spec.Port.Value.ToString(CultureInfo.InvariantCulture) });
            if (spec.RemovePrefix) plan.Arguments.Add("--remove-prefix");
            plan.Changes.Add(Change.Run("uberspace web backend set " + string.Join(" ", plan.Arguments)));
            return plan;
        }

        /// <summary>What Remove-WebBackend does: `del` of a listed backend, or an error when there is none.</summary>
        public static WebBackendPlan PlanRemove(WebBackendSpec spec, IEnumerable<WebBackendEntry> listed, string where)
        {
            var plan = new WebBackendPlan { Target = spec.Target };
            plan.Current = listed.FirstOrDefault(e => WebBackendList.Matches(e, spec.Domain, spec.Path));
            if (plan.Current == null || plan.Current.IsDefault)
                throw new UberspaceException("WebBackendNotFound", FailureKind.ObjectNotFound,
                    $"There is no web backend for {spec.Target} on {where}.", spec.Target);
            plan.Arguments.Add(spec.Target);
            plan.Changes.Add(Change.Run("uberspace web backend del " + spec.Target));
            return plan;
        }

        /// <summary>Runs `set` or `del` and reads the list in the same round trip; returns the target's line after it.</summary>
        /// <param name="listAfter">The list as the host printed it after the change (null when nothing changed).</param>
        public static WebBackendEntry Apply(HostShell shell, WebBackendSpec spec, WebBackendPlan plan, bool remove, out string listAfter)
        {
            listAfter = null;
            if (plan.Changes.Count == 0) return plan.Current;
            string verb = remove ? "del" : "set";
            var args = new List<ScriptArgument> { ScriptArgument.Of(verb) };
            args.AddRange(plan.Arguments.Select(ScriptArgument.Of));
            var r = shell.RunScript("web/backend", args);
            string command = "uberspace web backend " + verb + " " + string.Join(" ", plan.Arguments);
            Read(shell, r.Output, "change", "change-exit", remove ? "WebBackendRemoveFailed" : "WebBackendSetFailed", "'" + command + "'");
            listAfter = ReadText(shell, r.Output, "backends", "backends-exit", "WebBackendListFailed", "'uberspace web backend list'");
            var list = WebBackendList.Parse(listAfter);
            var entry = list.FirstOrDefault(e => WebBackendList.Matches(e, spec.Domain, spec.Path));
            if (!remove && entry == null)
                throw new UberspaceException("WebBackendNotListed", FailureKind.InvalidData,
                    $"The backend for {spec.Target} was set but 'uberspace web backend list' does not show it.", spec.Target);
            return entry;
        }
    }
}
