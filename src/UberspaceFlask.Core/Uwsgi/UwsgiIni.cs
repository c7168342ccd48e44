using System;
using System.Collections.Generic;
using UberspaceFlask.Core.Host;
using UberspaceFlask.Core.Templates;

namespace UberspaceFlask.Core.Uwsgi
{
    /// <summary>What a uwsgi.ini says, as far as the module relies on it.</summary>
    public sealed class UwsgiSettings
    {
        /// <summary>http-socket as written: ":1024", "0.0.0.0:1024", "127.0.0.1:1024", "[::]:1024".</summary>
        public string HttpSocket { get; set; }
        /// <summary>The address part of http-socket ("" for all interfaces written as ":1024").</summary>
        public string SocketAddress { get; set; }
        public int? Port { get; set; }
        /// <summary>The URL path of a mount = /path=module:app line, else "/".</summary>
        public string MountPath { get; set; } = "/";
        public string PidFile { get; set; }
        /// <summary>Whether http-socket binds every interface (Uberspace's frontend reaches nothing else).</summary>
        public bool AllInterfaces => SocketAddress == "" || SocketAddress == "0.0.0.0" || SocketAddress == "::" || SocketAddress == "*";
    }

    /// <summary>The one owner of uwsgi.ini: renders it from the template and reads it back.</summary>
    public static class UwsgiIni
    {
        public const string FileName = "uwsgi.ini";

        public static string PathIn(string appPath) => HostPaths.Combine(appPath, FileName);

        public static string Render(string name, string appPath, string venvPath, string entryModule, string mountPath, int port,
            int processes, int threads, IEnumerable<string> plugins, string templateDirectory)
        {
            var model = new Dictionary<string, object>
            {
                ["name"] = name,
                ["app_path"] = appPath,
                ["venv_path"] = venvPath ?? "",
                ["entry_module"] = entryModule,
                ["mount_path"] = mountPath,
                ["port"] = port,
                ["processes"] = processes,
                ["threads"] = threads,
                ["plugins"] = string.Join(",", plugins),
            };
            return TemplateRenderer.Render("uwsgi.ini", model, templateDirectory);
        }

        /// <summary>
        /// A published app's slot: the release, its venv and the WSGI shim that reads the secrets, on the slot's port,
        /// with its pidfile beside the slot's ini in the publish directory.
        /// </summary>
        public static string RenderSlot(string name, string slot, string releaseId, Releases.PublishDirectory dir, string venvPath, string entry,
            string mountPath, int port, int processes, int threads, IEnumerable<string> plugins, string healthPath)
        {
            var model = new Dictionary<string, object>
            {
                ["name"] = name, ["slot"] = slot, ["release_id"] = releaseId,
                ["pidfile"] = dir.SlotPidFile(slot), ["release_path"] = dir.Release(releaseId), ["venv_path"] = venvPath,
                ["entry"] = entry, ["secrets_path"] = dir.Secrets, ["shim_path"] = dir.Shim,
                ["mount_path"] = mountPath, ["processes"] = processes, ["threads"] = threads,
                ["port"] = port, ["plugins"] = string.Join(",", plugins),
                ["service"] = Releases.PublishLayout.SlotService(name, slot), ["health_path"] = healthPath,
            };
            return TemplateRenderer.Render("slot-uwsgi.ini", model);
        }

        /// <summary>
        /// Which uWSGI runs an app, and with which plugins: the one given, else the venv's, else the one on PATH (a
        /// system uWSGI loads Python as the python3 plugin unless plugins are given). hint says how to get one.
        /// </summary>
        public static (string Path, IReadOnlyList<string> Plugins) Choose(string explicitPath, bool explicitRuns, string venvPath, string venvUwsgi,
            string systemUwsgi, IReadOnlyList<string> plugins, string where, string hint)
        {
            string path;
            bool system;
            if (explicitPath != null)
            {
                if (!explicitRuns)
                    throw HostErrors.UwsgiNotFound($"'{explicitPath}' is not an executable file on {where}.", explicitPath);
                path = explicitPath;
                system = venvPath == null || !path.StartsWith(venvPath + "/", StringComparison.Ordinal);
            }
            else if (venvUwsgi != null) { path = venvUwsgi; system = false; }
            else if (!string.IsNullOrEmpty(systemUwsgi)) { path = systemUwsgi; system = true; }
            else throw HostErrors.NoUwsgi(where, hint, where);
            return (path, plugins ?? (system ? new[] { "python3" } : new string[0]));
        }

        /// <summary>Reads the [uwsgi] section's settings; the first value of a key wins, as the module writes each once.</summary>
        public static UwsgiSettings Read(string text)
        {
            var s = new UwsgiSettings();
            if (text == null) return s;
            string section = "uwsgi";
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var raw in text.Split('\n'))
            {
                string line = raw.Trim();
                if (line.Length == 0 || line[0] == '#' || line[0] == ';') continue;
                if (line[0] == '[') { section = line.Trim('[', ']').Trim(); continue; }
                if (section != "uwsgi") continue;
                int eq = line.IndexOf('=');
                if (eq <= 0) continue;
                string key = line.Substring(0, eq).Trim(), value = line.Substring(eq + 1).Trim();
                if (!seen.Add(key)) continue;
                switch (key)
                {
                    case "http-socket":
                        s.HttpSocket = value;
                        int colon = value.LastIndexOf(':');
                        if (colon >= 0 && int.TryParse(value.Substring(colon + 1), out int port)) s.Port = port;
                        s.SocketAddress = colon >= 0 ? value.Substring(0, colon).Trim('[', ']') : value;
                        break;
                    case "mount":
                        int e = value.IndexOf('=');
                        string path = e > 0 ? value.Substring(0, e).Trim() : "";
                        if (path.StartsWith("/", StringComparison.Ordinal)) s.MountPath = path.Length > 1 ? path.TrimEnd('/') : path;
                        break;
                    case "pidfile":
                        s.PidFile = value;
                        break;
                }
            }
            return s;
        }
    }
}
