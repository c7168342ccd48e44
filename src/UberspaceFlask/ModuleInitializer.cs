using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace UberspaceFlask
{
    /// <summary>
    /// Loads the core and its dependencies (SSH.NET, BouncyCastle, Fluid, ...) from ./dependencies into a load context
    /// of the module's own, so another module's copy of them (Posh-SSH, Az, ...) neither breaks nor is broken by ours.
    /// Only this assembly, with the cmdlets and output types, lives in PowerShell's default context.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        internal const string CoreAssembly = "UberspaceFlask.Core";
        static readonly string DependencyDirectory =
            Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location), "dependencies");

        public void OnImport()
        {
            if (IsNetFramework) AppDomain.CurrentDomain.AssemblyResolve += ResolveOnNetFramework;
            else CoreClr.Register(DependencyDirectory);
        }

        public void OnRemove(PSModuleInfo module)
        {
            if (IsNetFramework) AppDomain.CurrentDomain.AssemblyResolve -= ResolveOnNetFramework;
            else CoreClr.Unregister();
        }

        static bool IsNetFramework =>
            System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

        // Windows PowerShell has no load contexts: resolve from ./dependencies, first come first served.
        static Assembly ResolveOnNetFramework(object sender, ResolveEventArgs args)
        {
            string path = Path.Combine(DependencyDirectory, new AssemblyName(args.Name).Name + ".dll");
            return File.Exists(path) ? Assembly.LoadFrom(path) : null;
        }

        // Kept in its own class so Windows PowerShell never has to load AssemblyLoadContext.
        static class CoreClr
        {
            static DependencyLoadContext _context;

            internal static void Register(string directory)
            {
                if (_context == null) _context = new DependencyLoadContext(directory);
                AssemblyLoadContext.Default.Resolving += Resolve;
                // Load the core now: a broken install fails at import, not in the middle of a deploy.
                _context.LoadFromAssemblyName(new AssemblyName(CoreAssembly));
            }

            internal static void Unregister() => AssemblyLoadContext.Default.Resolving -= Resolve;

            // The default context asks only for what it cannot find itself: our core, which lives in ./dependencies.
            static Assembly Resolve(AssemblyLoadContext defaultContext, AssemblyName name) =>
                name.Name == CoreAssembly ? _context.LoadFromAssemblyName(name) : null;
        }

        sealed class DependencyLoadContext : AssemblyLoadContext
        {
            readonly string _directory;
            readonly HashSet<string> _platform;

            public DependencyLoadContext(string directory)
            {
                _directory = directory;
                // Assemblies the runtime and PowerShell ship stay shared (one System.Memory, one Span<T>);
                // everything else we ship is loaded here, privately.
                _platform = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string tpa)
                    foreach (var file in tpa.Split(Path.PathSeparator))
                        _platform.Add(Path.GetFileNameWithoutExtension(file));
            }

            protected override Assembly Load(AssemblyName name)
            {
                if (_platform.Contains(name.Name)) return null;
                string path = Path.Combine(_directory, name.Name + ".dll");
                return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
            }
        }
    }
}
