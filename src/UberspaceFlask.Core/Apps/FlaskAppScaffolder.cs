using System;
using System.Collections.Generic;
using System.Linq;
using UberspaceFlask.Core.Host;
using UberspaceFlask.Core.Templates;

namespace UberspaceFlask.Core.Apps
{
    /// <summary>New-FlaskApp's input, validated once when made; never changed afterwards.</summary>
    public sealed class FlaskAppSpec
    {
        FlaskAppSpec() { }
        public string Name { get; private set; }
        /// <summary>The app directory as the user gave it; ~/Name when not given, as in the guide.</summary>
        public string Path { get; private set; }
        public string Message { get; private set; }
        public string EntryModule { get; private set; }
        /// <summary>Interpreter name or path; null means the newest python3.X on the host.</summary>
        public string Python { get; private set; }
        public IReadOnlyList<string> Packages { get; private set; }
        public IReadOnlyList<string> PipArguments { get; private set; }
        public bool SystemSitePackages { get; private set; }
        public string TemplateDirectory { get; private set; }
        public bool Force { get; private set; }
        /// <summary>Used only for the development-server line in app.py.</summary>
        public int DevelopmentPort => 1024;

        public static FlaskAppSpec Create(string name, string path, string message, string entryModule, string python, string[] packages,
            string[] pipArguments, bool systemSitePackages, string templateDirectory, bool force)
        {
            InputValidation.AppName(name);
            return new FlaskAppSpec
            {
                Name = name,
                Path = path == null ? "~/" + name : InputValidation.HostPath(path),
                Message = message == null ? DefaultMessage(name) : InputValidation.Message(message),
                EntryModule = InputValidation.EntryModule(entryModule ?? "app"),
                Python = python == null ? null : InputValidation.Python(python),
                Packages = (packages ?? new string[0]).Select(InputValidation.PackageSpec).ToList(),
                PipArguments = (pipArguments ?? new string[0]).Select(InputValidation.PipArgument).ToList(),
                SystemSitePackages = systemSitePackages,
                TemplateDirectory = TemplateRenderer.ValidateOverrideDirectory(templateDirectory),
                Force = force,
            };
        }

        public static string DefaultMessage(string name) => "Hello from " + name;
    }

    public sealed class FlaskAppFacts
    {
        public string Home { get; set; }
        public string AppPath { get; set; }
        public bool NotADirectory { get; set; }
        public bool VenvExists { get; set; }
        public bool VenvIncomplete { get; set; }
        /// <summary>The interpreter found (absolute), or null.</summary>
        public string Python { get; set; }
        /// <summary>The files the app would get, by path relative to the app directory.</summary>
        public Dictionary<string, HostFile> Files { get; set; } = new Dictionary<string, HostFile>();
        public string Where { get; set; } = "the host";
        /// <summary>What New-UwsgiConfig would probe for (the app's own venv, its entry module): handed on when nothing changes.</summary>
        public Uwsgi.UwsgiFacts Uwsgi { get; set; }
    }

    public sealed class FlaskAppPlan
    {
        public string AppPath { get; set; }
        public string VenvPath { get; set; }
        public string VenvMarker { get; set; }
        public string Python { get; set; }
        public bool CreateVenv { get; set; }
        public bool VenvIncomplete { get; set; }
        public bool InstallPackages { get; set; }
        public List<FileChange> Files { get; } = new List<FileChange>();
        public List<Change> Changes { get; } = new List<Change>();
    }

    /// <summary>Scaffolds the guide's app: templates/ and static/ (not the guide's style/), app.py, index.html, style.css, a venv.</summary>
    public static class FlaskAppScaffolder
    {
        public const string VenvName = "ENV";
        static readonly TimeSpan VenvTimeout = TimeSpan.FromMinutes(5);
        static readonly TimeSpan PipTimeout = TimeSpan.FromMinutes(20);

        /// <summary>The files the app gets: path relative to the app directory, and the template it comes from.</summary>
        public static IEnumerable<(string Relative, string Template)> Files(FlaskAppSpec spec) => new[]
        {
            (spec.EntryModule + ".py", "app.py"),
            ("templates/index.html", "index.html"),
            ("static/style.css", "style.css"),
        };

        public static FlaskAppFacts Probe(HostShell shell, FlaskAppSpec spec)
        {
            var args = new List<ScriptArgument> { spec.Path, VenvName, spec.Python ?? "", spec.EntryModule, Uwsgi.UwsgiIni.FileName };
            args.AddRange(Files(spec).Select(f => ScriptArgument.Of(f.Relative)));
            return Read(shell.RunScriptChecked("apps/probe", "ProbeFailed", "Looking at the app directory", args).Output, spec, shell.Where);
        }

        /// <summary>The probe's output into facts: no host, unit-testable with captured output.</summary>
        public static FlaskAppFacts Read(ScriptOutput output, FlaskAppSpec spec, string where)
        {
            var f = output.Facts("host");
            return new FlaskAppFacts
            {
                Home = HostPaths.Normalize(f["home"]),
                AppPath = HostPaths.Normalize(f["app"]),
                NotADirectory = f.ContainsKey("notdir"),
                VenvExists = f.ContainsKey("venv"),
                VenvIncomplete = f.ContainsKey("incomplete"),
                Python = f.TryGetValue("python", out var p) && p.StartsWith("/", StringComparison.Ordinal) ? p : null,
                Files = Files(spec).ToDictionary(x => x.Relative, x => output.File(x.Relative)),
                Where = where,
                Uwsgi = Uwsgi.UwsgiConfigWriter.ReadFacts(output, where),
            };
        }

        /// <summary>Decides what to do from the spec and the facts alone (no host): unit-tested without one.</summary>
        public static FlaskAppPlan Plan(FlaskAppSpec spec, FlaskAppFacts facts)
        {
            if (HostPaths.SamePath(facts.AppPath, facts.Home) || facts.AppPath == "/")
                throw HostErrors.InvalidPath($"The app directory must not be the home directory or '/'; give a directory of its own (for example ~/{spec.Name}).", spec.Path);
            if (facts.NotADirectory)
                throw new UberspaceException("AppPathNotDirectory", FailureKind.InvalidArgument,
                    $"'{facts.AppPath}' exists and is not a directory. Choose another -Path or -Name.", facts.AppPath);
            var plan = new FlaskAppPlan
            {
                AppPath = facts.AppPath,
                VenvPath = HostPaths.Combine(facts.AppPath, VenvName),
                VenvMarker = HostPaths.Combine(facts.AppPath, "." + VenvName + ".uf-incomplete"),
                VenvIncomplete = facts.VenvIncomplete,
                CreateVenv = !facts.VenvExists || facts.VenvIncomplete,
            };
            if (plan.CreateVenv && facts.Python == null)
                throw HostErrors.PythonNotFound(spec.Python != null
                        ? $"The interpreter '{spec.Python}' was not found on {facts.Where}. Give -Python as a name on PATH or a full path (for example python3.11)."
                        : $"No python3 interpreter was found on {facts.Where}. Install Python 3 or give -Python.", spec.Python);
            plan.Python = facts.Python ?? spec.Python;
            plan.InstallPackages = (plan.CreateVenv || spec.Force) && (spec.Packages.Count > 0 || spec.PipArguments.Count > 0);

            var model = new Dictionary<string, object>
            {
                ["name"] = spec.Name,
                ["message"] = spec.Message,
                ["message_literal"] = PythonLiteral.String(spec.Message),
                ["python_name"] = HostPaths.FileName(plan.Python ?? "python3"),
                ["entry_module"] = spec.EntryModule,
                ["port"] = spec.DevelopmentPort,
            };
            foreach (var (relative, template) in Files(spec))
            {
                string content = TemplateRenderer.Render(template, model, spec.TemplateDirectory);
                facts.Files.TryGetValue(relative, out var existing);
                plan.Files.Add(new FileChange(HostPaths.Combine(plan.AppPath, relative), content, existing, spec.Force));
            }
            var conflicts = plan.Files.Where(f => f.HandEdited && !spec.Force).Select(f => f.Path).ToList();
            if (conflicts.Count > 0)
                throw new UberspaceException("AppFileExists", FailureKind.ResourceExists,
                    "These files exist with other content and were left as they are: " + string.Join(", ", conflicts) +
                    ". Use -Force to replace them (the old content is kept as FILE.uf-backup), or choose another -Name or -Path.", conflicts[0]);

            plan.Changes.AddRange(FileChange.Changes(plan.Files));
            if (plan.CreateVenv)
                plan.Changes.Add(new Change(plan.VenvIncomplete ? "Recreate the incomplete venv" : "Create venv",
                    $"{plan.VenvPath} with {plan.Python}" + (spec.SystemSitePackages ? " --system-site-packages" : "")));
            if (plan.InstallPackages)
                plan.Changes.Add(Change.Run("pip install " + string.Join(" ", spec.PipArguments.Select(Redaction.PipArgument).Concat(spec.Packages)), "into " + plan.VenvPath));
            return plan;
        }

        public static void Apply(HostShell shell, FlaskAppSpec spec, FlaskAppPlan plan)
        {
            const string activity = "New-FlaskApp";
            var files = plan.Files.Where(f => f.Kind != ChangeKind.Unchanged).ToList();
            if (files.Count > 0 || plan.CreateVenv)
            {
                shell.Log.Progress(activity, "Writing the app's files in " + plan.AppPath, 10);
                var args = new List<ScriptArgument> { plan.AppPath };
                foreach (var f in files)
                    args.AddRange(new[] { ScriptArgument.Of(f.Path), ScriptArgument.Content(f.Content), f.BackupPath ?? "" });
                shell.RunScriptChecked("apps/write", "FileWriteFailed", "Writing the app's files", args);
                foreach (var f in files.Where(f => f.BackupPath != null))
                    shell.Log.Warning($"The old {f.Path} was kept as {f.BackupPath}.");
            }
            bool pip = plan.InstallPackages && (spec.Packages.Count > 0 || spec.PipArguments.Count > 0);
            if (plan.CreateVenv)
            {
                shell.Log.Progress(activity, "Creating the virtual environment " + plan.VenvPath, 30);
                shell.RunScriptChecked("apps/venv", "VenvCreationFailed", "Creating the virtual environment", new[]
                {
                    ScriptArgument.Of(plan.Python), plan.VenvPath, plan.VenvMarker, ScriptArgument.Of(spec.SystemSitePackages), ScriptArgument.Of(!pip),
                }, VenvTimeout);
            }
            if (pip)
            {
                shell.Log.Progress(activity, "pip install " + string.Join(" ", spec.Packages), 50);
                var args = new List<ScriptArgument> { plan.VenvPath, plan.VenvMarker };
                args.AddRange(spec.PipArguments.Select(ScriptArgument.Pip));
                args.AddRange(spec.Packages.Select(ScriptArgument.Of));
                shell.RunScriptChecked("apps/pip", "PipInstallFailed", "Installing the Python packages", args, PipTimeout);
            }
            shell.Log.ProgressDone(activity);
        }
    }
}
