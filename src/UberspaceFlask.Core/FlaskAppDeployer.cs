using System;
using System.Collections.Generic;
using System.Linq;
using UberspaceFlask.Core.Transport;

namespace UberspaceFlask.Core
{
    public sealed class FlaskAppSpec
    {
        public string Name { get; set; }
        /// <summary>App directory; null means ~/Name, as in the guide.</summary>
        public string Path { get; set; }
        public string Message { get; set; }
        public string EntryModule { get; set; } = "app";
        /// <summary>Interpreter name or path; null means the newest python3.X on the host.</summary>
        public string Python { get; set; }
        public string[] Packages { get; set; } = { "flask", "uwsgi" };
        public string[] PipArguments { get; set; } = new string[0];
        public bool SystemSitePackages { get; set; }
        public string TemplateDirectory { get; set; }
        public bool Force { get; set; }
        /// <summary>Used only for the development-server line in app.py.</summary>
        public int DevelopmentPort { get; set; } = 1024;
    }

    public enum ChangeKind { Create, Update, Unchanged }

    public sealed class FileChange
    {
        public string Path { get; set; }
        public string Content { get; set; }
        public string Existing { get; set; }
        public ChangeKind Kind { get; set; }
        public string Describe() => (Kind == ChangeKind.Create ? "create " : "overwrite ") + Path + " (" + LineDiff.Summary(Existing, Content) + ")";
    }

    public sealed class FlaskAppPlan
    {
        public FlaskAppSpec Spec { get; set; }
        public string AppPath { get; set; }
        public string VenvPath { get; set; }
        public string Python { get; set; }
        public bool VenvExists { get; set; }
        /// <summary>An earlier run was cut off while making the venv: make it again from scratch.</summary>
        public bool VenvIncomplete { get; set; }
        public string VenvMarker => HostPaths.Combine(AppPath, "." + FlaskAppDeployer.VenvName + ".uf-incomplete");
        public List<string> Directories { get; } = new List<string>();
        public List<FileChange> Files { get; } = new List<FileChange>();
        public bool CreateVenv => !VenvExists;
        public bool InstallPackages => (!VenvExists || Spec.Force) && (Spec.Packages.Length > 0 || Spec.PipArguments.Length > 0);
        public bool HasChanges => CreateVenv || InstallPackages || Files.Any(f => f.Kind != ChangeKind.Unchanged);
    }

    /// <summary>Scaffolds the guide's app: templates/ and static/ (not the guide's style/), app.py, index.html, style.css, a venv.</summary>
    public static class FlaskAppDeployer
    {
        public const string VenvName = "ENV";
        static readonly TimeSpan VenvTimeout = TimeSpan.FromMinutes(5);
        static readonly TimeSpan PipTimeout = TimeSpan.FromMinutes(20);

        /// <summary>Checks every input; throws before anything is read or written.</summary>
        public static void ValidateSpec(FlaskAppSpec spec)
        {
            Validate.AppName(spec.Name);
            if (spec.Path != null) Validate.HostPath(spec.Path);
            Validate.EntryModule(spec.EntryModule);
            if (spec.Message != null) Validate.Message(spec.Message);
            if (spec.Python != null) Validate.HostPath(spec.Python, "InvalidPython");
            foreach (var p in spec.Packages) Validate.PackageSpec(p);
            foreach (var a in spec.PipArguments)
                if (a == null || a.IndexOf('\0') >= 0 || a.IndexOf('\n') >= 0)
                    throw new UberspaceException("InvalidPipArgument", FailureKind.InvalidArgument, "A pip argument must be one line of text.", a);
            TemplateRenderer.ValidateOverrideDirectory(spec.TemplateDirectory);
        }

        public static FlaskAppPlan Plan(HostShell shell, FlaskAppSpec spec)
        {
            ValidateSpec(spec);
            var plan = new FlaskAppPlan { Spec = spec };
            plan.AppPath = HostPaths.Resolve(shell.Home, spec.Path ?? spec.Name);
            if (plan.AppPath == HostPaths.Normalize(shell.Home) || plan.AppPath == "/")
                throw new UberspaceException("InvalidPath", FailureKind.InvalidArgument,
                    $"The app directory must not be the home directory or '/'; give a directory of its own (for example ~/{spec.Name}).", spec.Path);
            plan.VenvPath = HostPaths.Combine(plan.AppPath, VenvName);

            // One probe for the interpreter and the venv.
            string findPython = spec.Python != null
                ? "command -v " + ShellQuote.Quote(spec.Python)
                : "for v in " + string.Join(" ", Enumerable.Range(6, 20).Reverse().Select(i => "3." + i)) +
                  "; do command -v python$v && break; done || command -v python3";
            var wanted = new[]
            {
                (rel: spec.EntryModule + ".py", template: "app.py"),
                (rel: "templates/index.html", template: "index.html"),
                (rel: "static/style.css", template: "style.css"),
            };
            var paths = wanted.Select(w => HostPaths.Combine(plan.AppPath, w.rel)).ToList();
            var probe = shell.RunProbe(
                "if [ -x " + ShellQuote.Quote(plan.VenvPath + "/bin/python") + " ]; then echo venv=yes; else echo venv=no; fi; " +
                "if [ -e " + ShellQuote.Quote(plan.VenvMarker) + " ]; then echo incomplete=yes; fi; " +
                "if [ -e " + ShellQuote.Quote(plan.AppPath) + " ] && [ ! -d " + ShellQuote.Quote(plan.AppPath) + " ]; then echo notdir=yes; fi; " +
                "printf 'python='; " + findPython, paths);
            var kv = ProbeOutput.KeyValues(probe.Stdout);
            if (kv.TryGetValue("notdir", out _))
                throw new UberspaceException("AppPathNotDirectory", FailureKind.InvalidArgument,
                    $"'{plan.AppPath}' exists and is not a directory. Choose another -Path or -Name.", plan.AppPath);
            plan.VenvIncomplete = kv.ContainsKey("incomplete");
            plan.VenvExists = kv.TryGetValue("venv", out var v) && v == "yes" && !plan.VenvIncomplete;
            kv.TryGetValue("python", out var python);
            if (!plan.VenvExists && string.IsNullOrEmpty(python))
                throw new UberspaceException("PythonNotFound", FailureKind.NotInstalled,
                    spec.Python != null
                        ? $"The interpreter '{spec.Python}' was not found on {shell.Transport.Description}. Give -Python as a name on PATH or a full path (for example python3.11)."
                        : $"No python3 interpreter was found on {shell.Transport.Description}. Install Python 3 or give -Python.", spec.Python);
            plan.Python = string.IsNullOrEmpty(python) ? spec.Python : python;

            var model = new Dictionary<string, object>
            {
                ["name"] = spec.Name,
                ["message"] = spec.Message ?? DefaultMessage(spec.Name),
                ["message_literal"] = PythonLiteral.String(spec.Message ?? DefaultMessage(spec.Name)),
                ["python_name"] = HostPaths.FileName(plan.Python ?? "python3"),
                ["entry_module"] = spec.EntryModule,
                ["port"] = spec.DevelopmentPort,
            };
            plan.Directories.Add(plan.AppPath);
            plan.Directories.Add(HostPaths.Combine(plan.AppPath, "templates"));
            plan.Directories.Add(HostPaths.Combine(plan.AppPath, "static"));

            var conflicts = new List<string>();
            foreach (var w in wanted)
            {
                string path = HostPaths.Combine(plan.AppPath, w.rel);
                string content = TemplateRenderer.Render(w.template, model, spec.TemplateDirectory);
                string existing = probe.Files[path];
                var kind = existing == null ? ChangeKind.Create : existing == content ? ChangeKind.Unchanged : ChangeKind.Update;
                if (kind == ChangeKind.Update && !spec.Force) conflicts.Add(path);
                plan.Files.Add(new FileChange { Path = path, Content = content, Existing = existing, Kind = kind });
            }
            if (conflicts.Count > 0)
                throw new UberspaceException("AppFileExists", FailureKind.ResourceExists,
                    "These files exist with other content and were left as they are: " + string.Join(", ", conflicts) +
                    ". Use -Force to replace them, or choose another -Name or -Path.", conflicts[0]);
            return plan;
        }

        public static string DefaultMessage(string name) => "Hello from " + name;

        /// <summary>
        /// Carries out the plan. approve is asked once per change (file, venv, packages) before anything is done, as
        /// -Confirm asks; declined changes are skipped. Returns whether every change was approved and done.
        /// </summary>
        public static bool Apply(HostShell shell, FlaskAppPlan plan, Func<string, bool> approve = null)
        {
            approve = approve ?? (_ => true);
            const string activity = "New-FlaskApp";
            var files = plan.Files.Where(f => f.Kind != ChangeKind.Unchanged).Where(f => approve(f.Describe())).ToList();
            bool venv = plan.CreateVenv && approve((plan.VenvIncomplete ? "recreate the incomplete venv " : "create venv ") + plan.VenvPath + " with " + plan.Python +
                                                  (plan.Spec.SystemSitePackages ? " --system-site-packages" : ""));
            bool pip = plan.InstallPackages && (!plan.CreateVenv || venv) &&
                       approve("pip install " + string.Join(" ", plan.Spec.PipArguments.Concat(plan.Spec.Packages)) + " into " + plan.VenvPath);
            bool all = files.Count == plan.Files.Count(f => f.Kind != ChangeKind.Unchanged) && venv == plan.CreateVenv && pip == plan.InstallPackages;
            if (files.Count == 0 && !venv && !pip) return all;

            shell.Log.Progress(activity, "Creating directories", 5);
            // Also clears temporary files a dropped connection may have left from an earlier atomic write.
            shell.RunChecked("mkdir -p -- " + ShellQuote.Join(plan.Directories) + " && find " + ShellQuote.Join(plan.Directories) +
                " -maxdepth 1 -name '.*.uf-*.tmp' -type f -delete", "CreateDirectoryFailed", "Creating the app directories");
            foreach (var f in files)
            {
                shell.Log.Progress(activity, "Writing " + f.Path, 15);
                shell.WriteText(f.Path, f.Content);
            }
            if (venv)
            {
                shell.Log.Progress(activity, "Creating the virtual environment " + plan.VenvPath, 30);
                var args = new List<string> { plan.Python, "-m", "venv", "--clear" };
                if (plan.Spec.SystemSitePackages) args.Add("--system-site-packages");
                args.Add(plan.VenvPath);
                // The marker stays until pip is done, so a run cut off in between is noticed and redone next time.
                shell.RunChecked("touch " + ShellQuote.Quote(plan.VenvMarker) + " && " + ShellQuote.Join(args),
                    "VenvCreationFailed", "Creating the virtual environment", VenvTimeout);
            }
            if (pip)
            {
                shell.Log.Progress(activity, "pip install " + string.Join(" ", plan.Spec.Packages), 50);
                var args = new List<string> { plan.VenvPath + "/bin/python", "-m", "pip", "install", "--disable-pip-version-check" };
                args.AddRange(plan.Spec.PipArguments);
                args.AddRange(plan.Spec.Packages);
                shell.RunChecked(ShellQuote.Join(args), "PipInstallFailed", "Installing the Python packages", PipTimeout);
            }
            if (venv)
                shell.RunChecked("rm -f " + ShellQuote.Quote(plan.VenvMarker), "VenvCreationFailed", "Finishing the virtual environment");
            shell.Log.ProgressDone(activity);
            return all;
        }
    }
}
