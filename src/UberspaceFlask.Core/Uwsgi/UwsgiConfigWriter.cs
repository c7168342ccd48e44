using System;
using System.Collections.Generic;
using System.Linq;
using UberspaceFlask.Core.Apps;
using UberspaceFlask.Core.Host;
using UberspaceFlask.Core.Templates;

namespace UberspaceFlask.Core.Uwsgi
{
    /// <summary>New-UwsgiConfig's input, validated once when made; never changed afterwards.</summary>
    public sealed class UwsgiSpec
    {
        UwsgiSpec() { }
        public string AppPath { get; private set; }
        /// <summary>Used for the pidfile name; null: the app directory's name.</summary>
        public string Name { get; private set; }
        public string EntryModule { get; private set; }
        /// <summary>null: the app's own ENV.</summary>
        public string VenvPath { get; private set; }
        public int Port { get; private set; }
        public string MountPath { get; private set; }
        public int Processes { get; private set; }
        public int Threads { get; private set; }
        /// <summary>null: none for the venv's uWSGI, python3 for a system uWSGI (Debian and others build Python as a plugin).</summary>
        public IReadOnlyList<string> Plugins { get; private set; }
        /// <summary>null: the venv's uwsgi when present, else uwsgi on PATH.</summary>
        public string UwsgiPath { get; private set; }
        public string TemplateDirectory { get; private set; }
        public bool Force { get; private set; }

        public static UwsgiSpec Create(string appPath, string name, string entryModule, string venvPath, int port, string mountPath,
            int processes, int threads, string[] plugins, string uwsgiPath, string templateDirectory, bool force)
        {
            if (appPath == null)
                throw HostErrors.AppPathRequired("Give the app directory with -Path, or pipe the output of New-FlaskApp.", null);
            return new UwsgiSpec
            {
                AppPath = InputValidation.HostPath(appPath),
                Name = name == null ? null : InputValidation.AppName(name),
                EntryModule = InputValidation.EntryModule(entryModule ?? "app"),
                VenvPath = venvPath == null ? null : InputValidation.HostPath(venvPath),
                Port = InputValidation.Port(port),
                MountPath = InputValidation.MountPath(mountPath ?? "/"),
                Processes = InputValidation.Processes(processes),
                Threads = InputValidation.Threads(threads),
                Plugins = plugins?.Select(InputValidation.Plugin).ToList(),
                UwsgiPath = uwsgiPath == null ? null : InputValidation.HostPath(uwsgiPath, "InvalidUwsgiPath"),
                TemplateDirectory = TemplateRenderer.ValidateOverrideDirectory(templateDirectory),
                Force = force,
            };
        }
    }

    /// <summary>What the probe found on the host.</summary>
    public sealed class UwsgiFacts
    {
        public string Home { get; set; }
        public string AppPath { get; set; }
        public string VenvPath { get; set; }
        public bool HasEntry { get; set; }
        public bool HasVenv { get; set; }
        public bool HasVenvUwsgi { get; set; }
        public string ExplicitUwsgi { get; set; }
        public bool ExplicitUwsgiRuns { get; set; }
        public string SystemUwsgi { get; set; }
        public HostFile Ini { get; set; } = HostFile.Missing;
        public string Where { get; set; } = "the host";
    }

    public sealed class UwsgiPlan
    {
        public string AppPath { get; set; }
        public string Name { get; set; }
        public string VenvPath { get; set; }
        public string UwsgiPath { get; set; }
        public IReadOnlyList<string> Plugins { get; set; }
        public int Port { get; set; }
        public string MountPath { get; set; }
        public FileChange Ini { get; set; }
        public List<Change> Changes { get; } = new List<Change>();
    }

    /// <summary>Writes the app's uwsgi.ini with the settings the guide lacks (strict, need-app, die-on-term, ...).</summary>
    public static class UwsgiConfigWriter
    {
        public static UwsgiFacts Probe(HostShell shell, UwsgiSpec spec)
        {
            var r = shell.RunScriptChecked("uwsgi/probe", "ProbeFailed", "Looking at the app", new[]
            {
                ScriptArgument.Of(spec.AppPath), spec.EntryModule, spec.VenvPath ?? "", FlaskAppScaffolder.VenvName, spec.UwsgiPath ?? "", UwsgiIni.FileName,
            });
            return ReadFacts(r.Output, shell.Where);
        }

        /// <summary>lib.sh's show_uwsgi_facts, from this cmdlet's probe or New-FlaskApp's.</summary>
        public static UwsgiFacts ReadFacts(ScriptOutput output, string where)
        {
            var f = output.Facts("uwsgi");
            return new UwsgiFacts
            {
                Home = HostPaths.Normalize(output.Facts("host")["home"]),
                AppPath = HostPaths.Normalize(f["app"]),
                VenvPath = HostPaths.Normalize(f["venv"]),
                HasEntry = f.ContainsKey("entry"),
                HasVenv = f.ContainsKey("venvpython"),
                HasVenvUwsgi = f.ContainsKey("venvuwsgi"),
                ExplicitUwsgi = f.TryGetValue("explicit", out var e) ? HostPaths.Normalize(e) : null,
                ExplicitUwsgiRuns = f.ContainsKey("explicitok"),
                SystemUwsgi = f.TryGetValue("system", out var s) && s.StartsWith("/", StringComparison.Ordinal) ? s : null,
                Ini = output.File("uwsgi-ini"),
                Where = where,
            };
        }

        /// <summary>
        /// Whether facts another probe gathered (New-FlaskApp's, with the app's own venv, no uWSGI binary named, and
        /// its entry module) answer what this spec would ask.
        /// </summary>
        public static bool Answers(UwsgiFacts facts, string entryModule, UwsgiSpec spec) =>
            facts != null && spec.UwsgiPath == null && spec.EntryModule == entryModule
            && spec.AppPath.StartsWith("/", StringComparison.Ordinal) && HostPaths.SamePath(spec.AppPath, facts.AppPath)
            && (spec.VenvPath == null || (spec.VenvPath.StartsWith("/", StringComparison.Ordinal) && HostPaths.SamePath(spec.VenvPath, facts.VenvPath)));

        /// <summary>Decides what to write from the spec and the facts alone (no host): unit-tested without one.</summary>
        public static UwsgiPlan Plan(UwsgiSpec spec, UwsgiFacts facts)
        {
            if (!facts.HasEntry)
                throw HostErrors.AppNotFound($"There is no {spec.EntryModule}.py in '{facts.AppPath}' on {facts.Where}. Create the app first (New-FlaskApp) or give the right -Path and -EntryModule.", facts.AppPath);
            if (spec.VenvPath != null && !facts.HasVenv)
                throw new UberspaceException("VenvNotFound", FailureKind.ObjectNotFound,
                    $"There is no virtual environment at '{facts.VenvPath}'. Create it with New-FlaskApp, or leave out -VenvPath.", facts.VenvPath);
            var plan = new UwsgiPlan
            {
                AppPath = facts.AppPath,
                Name = spec.Name ?? HostPaths.FileName(facts.AppPath),
                VenvPath = facts.HasVenv ? facts.VenvPath : null,
                Port = spec.Port,
                MountPath = spec.MountPath,
            };
            var (uwsgi, plugins) = UwsgiIni.Choose(spec.UwsgiPath == null ? null : facts.ExplicitUwsgi, facts.ExplicitUwsgiRuns, plan.VenvPath,
                facts.HasVenvUwsgi ? facts.VenvPath + "/bin/uwsgi" : null, facts.SystemUwsgi, spec.Plugins, facts.Where,
                "Install it into the venv (New-FlaskApp -Package flask,uwsgi) or give -UwsgiPath.");
            plan.UwsgiPath = uwsgi;
            plan.Plugins = plugins;
            string content = UwsgiIni.Render(plan.Name, plan.AppPath, plan.VenvPath, spec.EntryModule, plan.MountPath, spec.Port,
                spec.Processes, spec.Threads, plan.Plugins, spec.TemplateDirectory);
            plan.Ini = new FileChange(UwsgiIni.PathIn(plan.AppPath), content, facts.Ini, spec.Force);
            if (plan.Ini.HandEdited && !spec.Force)
                throw EditedByHand(plan.Ini);
            plan.Changes.AddRange(FileChange.Changes(new[] { plan.Ini }));
            return plan;
        }

        public static UberspaceException EditedByHand(FileChange file) => file.EditedByHand();

        public static void Apply(HostShell shell, UwsgiPlan plan)
        {
            if (plan.Ini.Kind == ChangeKind.Unchanged) return;
            shell.RunScriptChecked("uwsgi/write", "FileWriteFailed", "Writing " + plan.Ini.Path, new[]
            {
                ScriptArgument.Of(plan.Ini.Path), ScriptArgument.Content(plan.Ini.Content), plan.Ini.BackupPath ?? "",
            });
            if (plan.Ini.BackupPath != null) shell.Log.Warning($"The old {plan.Ini.Path} was kept as {plan.Ini.BackupPath}.");
        }
    }
}
