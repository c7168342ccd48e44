using System;
using System.Collections.Generic;
using System.Linq;
using UberspaceFlask.Core.Host;
using UberspaceFlask.Core.Templates;

namespace UberspaceFlask.Core.Supervisor
{
    /// <summary>What a services.d ini says, as far as the module relies on it.</summary>
    public sealed class ServiceDefinition
    {
        public string Name { get; set; }
        public string ConfigPath { get; set; }
        /// <summary>directory=, with %(ENV_HOME)s expanded; null when the ini has none.</summary>
        public string Directory { get; set; }
        public string Command { get; set; }
        /// <summary>startsecs=, or supervisord's default of 1.</summary>
        public int StartSeconds { get; set; } = 1;
    }

    /// <summary>The one owner of ~/etc/services.d/NAME.ini: renders it and reads it back, and knows where they live.</summary>
    public static class ServiceIni
    {
        public const string Directory = "etc/services.d";

        public static string PathFor(string home, string name) => HostPaths.Combine(home, Directory + "/" + name + ".ini");

        public static string Render(string home, string name, string appPath, string uwsgiPath, int startSeconds, string templateDirectory) =>
            Render(home, name, appPath, uwsgiPath, Uwsgi.UwsgiIni.FileName, startSeconds, true, templateDirectory);

        /// <summary>
        /// A program that runs uWSGI with iniFile in directory. A published app's idle slot says autostart=false, so a
        /// reboot starts only the live one.
        /// </summary>
        public static string Render(string home, string name, string directory, string uwsgiPath, string iniFile, int startSeconds, bool autostart, string templateDirectory = null)
        {
            var model = new Dictionary<string, object>
            {
                ["name"] = name,
                ["directory"] = HostPaths.ForSupervisor(home, directory),
                ["command"] = HostPaths.ForSupervisor(home, uwsgiPath) + " " + iniFile,
                ["start_seconds"] = startSeconds,
                ["autostart"] = autostart ? "true" : "false",
            };
            return TemplateRenderer.Render("supervisor.ini", model, templateDirectory);
        }

        /// <summary>Reads the first [program:...] section.</summary>
        public static ServiceDefinition Read(string home, string name, string text)
        {
            var d = new ServiceDefinition { Name = name, ConfigPath = PathFor(home, name) };
            if (text == null) return d;
            bool inProgram = false;
            foreach (var raw in text.Split('\n'))
            {
                string line = raw.Trim();
                if (line.StartsWith("[", StringComparison.Ordinal))
                {
                    if (inProgram) break;
                    inProgram = line.StartsWith("[program:", StringComparison.Ordinal);
                    continue;
                }
                if (!inProgram || line.StartsWith("#", StringComparison.Ordinal) || line.StartsWith(";", StringComparison.Ordinal)) continue;
                int eq = line.IndexOf('=');
                if (eq <= 0) continue;
                string key = line.Substring(0, eq).Trim(), value = line.Substring(eq + 1).Trim();
                if (key == "directory" && d.Directory == null) d.Directory = HostPaths.FromSupervisor(home, value);
                if (key == "command" && d.Command == null) d.Command = value;
                if (key == "startsecs" && int.TryParse(value, out int secs)) d.StartSeconds = secs;
            }
            return d;
        }

        /// <summary>Every service ini a script showed with lib.sh's show_services (sections "file:service:NAME").</summary>
        public static List<ServiceDefinition> ReadAll(string home, ScriptOutput output) =>
            output.Names.Where(n => n.StartsWith("file:service:", StringComparison.Ordinal))
                .Select(n => n.Substring("file:service:".Length))
                .Distinct()
                .Select(n => Read(home, n, output.File("service:" + n).Text))
                .ToList();
    }
}
