using System;
using System.Collections.Generic;
using System.Linq;
using UberspaceFlask.Core.Host;
using UberspaceFlask.Core.Web;

namespace UberspaceFlask.Core.Releases
{
    /// <summary>
    /// The one C# owner of an app's publish directory (~/apps/NAME) and every path in it; lib/publish.sh's app_layout is
    /// its sh side, with the same names. Root is as the host showed it (absolute) or as given (~/apps/NAME).
    /// </summary>
    public sealed class PublishDirectory
    {
        public PublishDirectory(string root) { Root = root; }
        public static PublishDirectory For(string name) => new PublishDirectory(PublishLayout.RootFor(name));

        public string Root { get; }
        public string Releases => Root + "/releases";
        public string Release(string id) => Releases + "/" + id;
        public string Venvs => Root + "/venvs";
        public string Venv(string key) => Venvs + "/" + key;
        public string Meta => Root + "/meta";
        public string Secrets => Root + "/secrets";
        /// <summary>The WSGI entry every release's slot loads (uf_wsgi.py).</summary>
        public string Shim => Root + "/uf_wsgi.py";
        public string SlotIni(string slot) => Root + "/" + PublishLayout.SlotIniName(slot);
        public string SlotPidFile(string slot) => Root + "/slot-" + slot + ".pid";
    }

    /// <summary>Where an app's releases live on a host, and the names of its two slots.</summary>
    public static class PublishLayout
    {
        public static string RootFor(string name) => "~/apps/" + name;
        public static string SlotService(string name, string slot) => name + "-" + slot;
        public static string Other(string slot) => slot == "a" ? "b" : "a";
        /// <summary>The slot's uwsgi ini's name in the publish directory (its pidfile beside it: see slot-uwsgi.ini.liquid).</summary>
        public static string SlotIniName(string slot) => "slot-" + slot + ".ini";

        /// <summary>The one error for a publish lock another holds, whoever finds it (plan, publish, undo, prune).</summary>
        public static UberspaceException Locked(string name, string where, string holder) =>
            new UberspaceException("PublishLocked", FailureKind.ResourceUnavailable,
                $"Another publish of {name} holds the lock on {where}: {(string.IsNullOrEmpty(holder) ? "(holder unknown)" : holder)}. " +
                "Wait for it; if that client was killed, run again with -BreakLock.", holder);
    }

    /// <summary>A command's words as the host scripts take them (run_release_command in lib.sh): a line per word, each
    /// after a '=' so an empty word survives; and as a user reads it.</summary>
    public static class CommandWords
    {
        public static string Encode(IEnumerable<string> words) => words == null ? "" : string.Join("\n", words.Select(w => "=" + w));
        public static string Display(IEnumerable<string> words) => words == null ? "" : string.Join(" ", words.Select(ShellQuote.Quote));
    }

    /// <summary>Publish-FlaskApp's input, validated once before any I/O; never changed afterwards.</summary>
    public sealed class PublishSpec
    {
        PublishSpec() { }
        public string Name { get; private set; }
        public string Root { get; private set; }
        public string ProjectPath { get; private set; }
        /// <summary>null: detect as `flask` does.</summary>
        public string Entry { get; private set; }
        /// <summary>Relative to the project; null for none ("requirements.txt" when it exists and none was given).</summary>
        public string Requirements { get; private set; }
        public string Python { get; private set; }
        public IReadOnlyList<string> PipArguments { get; private set; }
        public bool SystemSitePackages { get; private set; }
        public int? Port { get; private set; }
        public int? AlternatePort { get; private set; }
        public string WebPath { get; private set; }
        public string Domain { get; private set; }
        public string HealthPath { get; private set; }
        public int HealthTimeoutSeconds { get; private set; }
        public int Processes { get; private set; }
        public int Threads { get; private set; }
        public IReadOnlyList<string> SharedPaths { get; private set; }
        public int KeepReleases { get; private set; }
        /// <summary>The frontend's base URL without a trailing slash; null: https://DOMAIN or https://USER.uber.space.</summary>
        public string FrontendUrl { get; private set; }
        public string UwsgiPath { get; private set; }
        /// <summary>null: python3 for a system uWSGI, none for the venv's.</summary>
        public IReadOnlyList<string> Plugins { get; private set; }
        public int GraceSeconds { get; private set; }
        /// <summary>Replace a slot file edited by hand (the old content kept as FILE.uf-backup).</summary>
        public bool Force { get; private set; }
        /// <summary>Run once per new release after gate 1, in its folder and venv with the secrets (an argv); null for none.</summary>
        public IReadOnlyList<string> ReleaseCommand { get; private set; }
        public string Target => WebBackendList.TargetFor(Domain, WebPath);

        /// <summary>
        /// An app as it was published (its state file says how), for Undo and Restart: each value given (not null) in
        /// place of the state's. Built first over an empty state, it checks what was given before any round trip.
        /// </summary>
        public static PublishSpec AsPublished(string name, PublishState state, string webPath, string domain, string healthPath,
            int healthTimeoutSeconds, int? processes, int? threads, string frontendUrl, string uwsgiPath, IEnumerable<string> plugins,
            int graceSeconds, bool force, IEnumerable<string> releaseCommand) =>
            Create(name, ".", null, null, "python3", null, false, null, null, webPath ?? state.WebPath ?? "/", domain ?? state.Domain,
                healthPath ?? state.HealthPath ?? "/", healthTimeoutSeconds, processes ?? state.Processes ?? 2, threads ?? state.Threads ?? 0,
                null, 5, frontendUrl, uwsgiPath, plugins, graceSeconds, force, releaseCommand);

        public static PublishSpec Create(string name, string projectPath, string entry, string requirements, string python,
            IEnumerable<string> pipArguments, bool systemSitePackages, int? port, int? alternatePort, string webPath, string domain,
            string healthPath, int healthTimeoutSeconds, int processes, int threads, IEnumerable<string> sharedPaths, int keepReleases,
            string frontendUrl, string uwsgiPath, IEnumerable<string> plugins, int graceSeconds = 2, bool force = false,
            IEnumerable<string> releaseCommand = null)
        {
            var spec = new PublishSpec
            {
                Name = InputValidation.AppName(name),
                ProjectPath = projectPath,
                Entry = string.IsNullOrEmpty(entry) ? null : EntryPoint.Validate(entry),
                Requirements = string.IsNullOrEmpty(requirements) ? null : RelativePath(requirements, "InvalidRequirementsPath"),
                Python = string.IsNullOrEmpty(python) ? "python3" : InputValidation.Python(python),
                PipArguments = (pipArguments ?? Enumerable.Empty<string>()).Select(InputValidation.PipArgument).ToList(),
                SystemSitePackages = systemSitePackages,
                Port = port == null ? (int?)null : InputValidation.Port(port.Value),
                AlternatePort = alternatePort == null ? (int?)null : InputValidation.Port(alternatePort.Value),
                WebPath = InputValidation.MountPath(string.IsNullOrEmpty(webPath) ? "/" : webPath, "InvalidWebPath"),
                Domain = string.IsNullOrEmpty(domain) ? null : InputValidation.Domain(domain),
                HealthPath = InputValidation.MountPath(string.IsNullOrEmpty(healthPath) ? "/" : healthPath, "InvalidHealthPath"),
                HealthTimeoutSeconds = InputValidation.Range(healthTimeoutSeconds, 1, 3600, "InvalidHealthTimeout", "-HealthTimeoutSeconds"),
                Processes = InputValidation.Processes(processes),
                Threads = InputValidation.Threads(threads),
                SharedPaths = (sharedPaths ?? Enumerable.Empty<string>()).Select(p => RelativePath(p.TrimEnd('/'), "InvalidSharedPath")).Distinct().ToList(),
                KeepReleases = InputValidation.Range(keepReleases, 2, 100, "InvalidKeepReleases", "-KeepReleases"),
                FrontendUrl = string.IsNullOrEmpty(frontendUrl) ? null : InputValidation.FrontendUrl(frontendUrl),
                UwsgiPath = string.IsNullOrEmpty(uwsgiPath) ? null : InputValidation.HostPath(uwsgiPath, "InvalidUwsgiPath"),
                Plugins = plugins?.Select(InputValidation.Plugin).ToList(),
                GraceSeconds = InputValidation.Range(graceSeconds, 0, 60, "InvalidGraceSeconds", "-GraceSeconds"),
                Force = force,
                ReleaseCommand = releaseCommand == null ? null : InputValidation.CommandWords(releaseCommand, "InvalidReleaseCommand", "-ReleaseCommand"),
            };
            spec.Root = PublishLayout.RootFor(spec.Name);
            if (spec.Port != null && spec.AlternatePort == spec.Port)
                throw HostErrors.InvalidAlternatePort($"-AlternatePort must differ from -Port ({spec.Port}).", spec.AlternatePort);
            return spec;
        }

        /// <summary>A path inside the project: relative, '/'-separated, no '..', no line break.</summary>
        public static string RelativePath(string path, string errorId)
        {
            string p = (path ?? "").Replace('\\', '/');
            while (p.StartsWith("./", StringComparison.Ordinal)) p = p.Substring(2);
            bool bad = p.Length == 0 || p.StartsWith("/", StringComparison.Ordinal) || p.Any(c => InputValidation.IsLineBreak(c) || char.IsControl(c))
                || p.Split('/').Any(s => s == ".." || s == "." || s.Length == 0);
            if (bad)
                throw new UberspaceException(errorId, FailureKind.InvalidArgument,
                    $"'{InputValidation.Show(path)}' is not a path inside the project: give it relative to the project folder, without '..'.", path);
            return p;
        }
    }
}
