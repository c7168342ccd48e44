using System;
using System.Collections.Generic;
using UberspaceFlask.Core.Transport;

namespace UberspaceFlask.Core
{
    public sealed class UwsgiSpec
    {
        public string AppPath { get; set; }
        /// <summary>Used for the pidfile name; defaults to the app directory's name.</summary>
        public string Name { get; set; }
        public string EntryModule { get; set; } = "app";
        /// <summary>null: AppPath/ENV when it exists.</summary>
        public string VenvPath { get; set; }
        public int Port { get; set; } = 1024;
        public string MountPath { get; set; } = "/";
        public int Processes { get; set; } = 1;
        public int Threads { get; set; }
        /// <summary>null: none for the venv's uWSGI, python3 for a system uWSGI (Debian and others build Python as a plugin).</summary>
        public string[] Plugins { get; set; }
        /// <summary>null: the venv's uwsgi when present, else uwsgi on PATH.</summary>
        public string UwsgiPath { get; set; }
        public string TemplateDirectory { get; set; }
    }

    public sealed class UwsgiPlan
    {
        public UwsgiSpec Spec { get; set; }
        public string AppPath { get; set; }
        public string Name { get; set; }
        public string IniPath { get; set; }
        public string VenvPath { get; set; }
        public string UwsgiPath { get; set; }
        public string[] Plugins { get; set; }
        public string MountPath { get; set; }
        public string Content { get; set; }
        public string Existing { get; set; }
        public ChangeKind Kind { get; set; }
    }

    /// <summary>Writes the app's uwsgi.ini with the settings the guide lacks (strict, need-app, die-on-term, ...).</summary>
    public static class UwsgiConfigurator
    {
        public const string IniName = "uwsgi.ini";

        public static void ValidateSpec(UwsgiSpec spec)
        {
            if (spec.AppPath == null)
                throw new UberspaceException("AppPathRequired", FailureKind.InvalidArgument,
                    "Give the app directory with -Path, or pipe the output of New-FlaskApp.", null);
            Validate.HostPath(spec.AppPath);
            if (spec.Name != null) Validate.AppName(spec.Name);
            Validate.EntryModule(spec.EntryModule);
            if (spec.VenvPath != null) Validate.HostPath(spec.VenvPath);
            Validate.Port(spec.Port);
            spec.MountPath = Validate.MountPath(spec.MountPath ?? "/");
            if (spec.Processes < 1 || spec.Processes > 64)
                throw new UberspaceException("InvalidProcessCount", FailureKind.InvalidArgument,
                    $"-Processes {spec.Processes} is outside 1-64. An Uberspace account has 1.5 GB of RAM; 1 or 2 is usual.", spec.Processes);
            if (spec.Threads < 0 || spec.Threads > 256)
                throw new UberspaceException("InvalidThreadCount", FailureKind.InvalidArgument,
                    $"-Threads {spec.Threads} is outside 0-256 (0 means uWSGI's default of no extra threads).", spec.Threads);
            if (spec.Plugins != null) foreach (var p in spec.Plugins) Validate.Plugin(p);
            if (spec.UwsgiPath != null) Validate.HostPath(spec.UwsgiPath, "InvalidUwsgiPath");
            TemplateRenderer.ValidateOverrideDirectory(spec.TemplateDirectory);
        }

        public static UwsgiPlan Plan(HostShell shell, UwsgiSpec spec)
        {
            ValidateSpec(spec);
            var plan = new UwsgiPlan { Spec = spec, MountPath = spec.MountPath };
            plan.AppPath = HostPaths.Resolve(shell.Home, spec.AppPath);
            plan.Name = spec.Name ?? HostPaths.FileName(plan.AppPath);
            plan.IniPath = HostPaths.Combine(plan.AppPath, IniName);
            string venv = spec.VenvPath != null ? HostPaths.Resolve(shell.Home, spec.VenvPath) : HostPaths.Combine(plan.AppPath, FlaskAppDeployer.VenvName);
            string explicitUwsgi = spec.UwsgiPath != null ? HostPaths.Resolve(shell.Home, spec.UwsgiPath) : null;
            string entryFile = HostPaths.Combine(plan.AppPath, spec.EntryModule + ".py");

            var probe = shell.RunProbe(
                "[ -f " + ShellQuote.Quote(entryFile) + " ] && echo entry=yes; " +
                "[ -x " + ShellQuote.Quote(venv + "/bin/python") + " ] && echo venv=yes; " +
                "[ -x " + ShellQuote.Quote(venv + "/bin/uwsgi") + " ] && echo venvuwsgi=yes; " +
                (explicitUwsgi != null ? "[ -x " + ShellQuote.Quote(explicitUwsgi) + " ] && [ -f " + ShellQuote.Quote(explicitUwsgi) + " ] && echo explicit=yes; " : "") +
                "printf 'system='; command -v uwsgi; true", new[] { plan.IniPath });
            var kv = ProbeOutput.KeyValues(probe.Stdout);
            if (!kv.ContainsKey("entry"))
                throw new UberspaceException("AppNotFound", FailureKind.ObjectNotFound,
                    $"There is no {spec.EntryModule}.py in '{plan.AppPath}' on {shell.Transport.Description}. Create the app first (New-FlaskApp) or give the right -Path and -EntryModule.", plan.AppPath);
            plan.VenvPath = kv.ContainsKey("venv") ? venv : null;
            if (spec.VenvPath != null && plan.VenvPath == null)
                throw new UberspaceException("VenvNotFound", FailureKind.ObjectNotFound,
                    $"There is no virtual environment at '{venv}'. Create it with New-FlaskApp, or leave out -VenvPath.", venv);

            bool systemUwsgi;
            if (explicitUwsgi != null)
            {
                if (!kv.ContainsKey("explicit"))
                    throw new UberspaceException("UwsgiNotFound", FailureKind.NotInstalled,
                        $"'{explicitUwsgi}' is not an executable file on {shell.Transport.Description}.", explicitUwsgi);
                plan.UwsgiPath = explicitUwsgi;
                systemUwsgi = plan.VenvPath == null || !explicitUwsgi.StartsWith(plan.VenvPath + "/", StringComparison.Ordinal);
            }
            else if (kv.ContainsKey("venvuwsgi"))
            {
                plan.UwsgiPath = venv + "/bin/uwsgi";
                systemUwsgi = false;
            }
            else if (kv.TryGetValue("system", out var sys) && sys.StartsWith("/", StringComparison.Ordinal))
            {
                plan.UwsgiPath = sys;
                systemUwsgi = true;
            }
            else
                throw new UberspaceException("UwsgiNotFound", FailureKind.NotInstalled,
                    $"No uWSGI was found on {shell.Transport.Description}: not in the venv and not on PATH. Install it into the venv (New-FlaskApp -Package flask,uwsgi) or give -UwsgiPath.", plan.AppPath);

            plan.Plugins = spec.Plugins ?? (systemUwsgi ? new[] { "python3" } : new string[0]);
            plan.Content = Render(plan, spec);
            string existing = probe.Files[plan.IniPath];
            plan.Existing = existing;
            plan.Kind = existing == null ? ChangeKind.Create : existing == plan.Content ? ChangeKind.Unchanged : ChangeKind.Update;
            return plan;
        }

        public static string Render(UwsgiPlan plan, UwsgiSpec spec)
        {
            var model = new Dictionary<string, object>
            {
                ["name"] = plan.Name,
                ["app_path"] = plan.AppPath,
                ["venv_path"] = plan.VenvPath ?? "",
                ["entry_module"] = spec.EntryModule,
                ["mount_path"] = plan.MountPath,
                ["port"] = spec.Port,
                ["processes"] = spec.Processes,
                ["threads"] = spec.Threads,
                ["plugins"] = string.Join(",", plan.Plugins),
            };
            return TemplateRenderer.Render("uwsgi.ini", model, spec.TemplateDirectory);
        }

        public static void Apply(HostShell shell, UwsgiPlan plan)
        {
            if (plan.Kind != ChangeKind.Unchanged) shell.WriteText(plan.IniPath, plan.Content);
        }
    }
}
