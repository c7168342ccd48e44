using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;
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
            // The template engine's parser takes a fifth of a second to build on first use; built on a pool thread
            // now, it is ready by the time the first cmdlet renders a file (opening a session comes first).
            System.Threading.ThreadPool.QueueUserWorkItem(_ => PrepareCore());
        }

        // Its own method, so the core is only touched once the resolver above is in place.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        static void PrepareCore()
        {
            try { Core.Templates.TemplateRenderer.Prepare(); }
            catch (Exception) { } // Only a head start: the first real use reports any problem.
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
            readonly string _nativeDirectory;
            readonly HashSet<string> _platform;

            public DependencyLoadContext(string directory)
            {
                _directory = directory;
                _nativeDirectory = NativeDirectory(directory);
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
                if (_nativeDirectory != null)
                {
                    string native = Path.Combine(_nativeDirectory, name.Name + ".dll");
                    if (File.Exists(native)) return LoadFromAssemblyPath(native);
                }
                string path = Path.Combine(_directory, name.Name + ".dll");
                return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
            }

            // build.ps1 puts ReadyToRun images (the same assemblies with native code, made by crossgen2 for one runtime
            // and platform) in r2r/net<major>.0-<rid>/; another runtime or platform loads the portable ones.
            static string NativeDirectory(string directory)
            {
                string os = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? "linux"
                    : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "osx"
                    : RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "win" : null;
                string arch = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? "x64"
                    : RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "arm64" : null;
                if (os == null || arch == null) return null;
                string dir = Path.Combine(directory, "r2r", $"net{Environment.Version.Major}.0-{os}-{arch}");
                return Directory.Exists(dir) ? dir : null;
            }
        }
    }
}
