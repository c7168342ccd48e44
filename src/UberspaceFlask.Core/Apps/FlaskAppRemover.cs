using System.Collections.Generic;
using System.Linq;
using UberspaceFlask.Core.Host;
using UberspaceFlask.Core.Supervisor;
using UberspaceFlask.Core.Uwsgi;

namespace UberspaceFlask.Core.Apps
{
    public sealed class AppRemovalFacts
    {
        public string Home { get; set; }
        public string AppPath { get; set; }
        public bool IsDirectory { get; set; }
        public bool MadeByModule { get; set; }
        public System.Collections.Generic.List<ServiceDefinition> Services { get; set; } = new System.Collections.Generic.List<ServiceDefinition>();
        public string Where { get; set; } = "the host";
    }

    /// <summary>Deletes an app directory, with guard rails: strictly inside the home, a Flask app, not used by a service.</summary>
    public static class FlaskAppRemover
    {
        public static AppRemovalFacts Probe(HostShell shell, string path)
        {
            var r = shell.RunScriptChecked("apps/remove-probe", "ProbeFailed", "Looking at the app directory",
                new[] { ScriptArgument.Of(path), FlaskAppScaffolder.VenvName, UwsgiIni.FileName });
            return Read(r.Output, shell.Where);
        }

        /// <summary>The probe's output into facts: no host, unit-testable with captured output.</summary>
        public static AppRemovalFacts Read(ScriptOutput output, string where)
        {
            var f = output.Facts("host");
            string home = HostPaths.Normalize(f["home"]);
            return new AppRemovalFacts
            {
                Home = home,
                AppPath = HostPaths.Normalize(f["app"]),
                IsDirectory = f.ContainsKey("dir"),
                MadeByModule = f.ContainsKey("made"),
                Services = ServiceIni.ReadAll(home, output),
                Where = where,
            };
        }

        /// <summary>Where an app of this name lives: the guide's layout, ~/NAME.</summary>
        public static string PathOf(string name) => "~/" + InputValidation.AppName(name);

        /// <summary>The one change a removal makes, for ShouldProcess.</summary>
        public static IEnumerable<Change> Changes(string app) => new[] { new Change("Delete the app directory and its venv", app) };

        /// <summary>The directory to delete, or an error saying why not. Pure: unit-tested without a host.</summary>
        public static string Plan(AppRemovalFacts facts, bool force)
        {
            string app = facts.AppPath;
            if (HostPaths.RelativeToHome(facts.Home, app) == null)
                throw HostErrors.InvalidPath($"'{app}' is not inside the home directory; Remove-FlaskApp only deletes apps below {facts.Home}.", app);
            if (!facts.IsDirectory)
                throw HostErrors.AppNotFound($"There is no directory '{app}' on {facts.Where}.", app);
            if (!facts.MadeByModule)
                throw new UberspaceException("NotAFlaskApp", FailureKind.InvalidArgument,
                    $"'{app}' has no uwsgi.ini, no venv and no Python file; it does not look like an app this module made, so it is left alone.", app);
            var services = facts.Services.Where(s => HostPaths.SamePath(s.Directory, app)).Select(s => s.Name).ToList();
            if (services.Count > 0 && !force)
                throw new UberspaceException("AppInUse", FailureKind.ResourceExists,
                    $"The service(s) {string.Join(", ", services)} still run '{app}'. Remove them first (Unregister-SupervisorService), or use -Force.", app);
            return app;
        }

        public static void Apply(HostShell shell, string app) =>
            shell.RunScriptChecked("apps/remove", "AppRemoveFailed", "Removing " + app, new[] { ScriptArgument.Of(app) }, System.TimeSpan.FromMinutes(5));
    }
}
