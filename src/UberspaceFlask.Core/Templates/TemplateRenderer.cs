using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using Fluid;
using Fluid.Values;

namespace UberspaceFlask.Core.Templates
{
    /// <summary>
    /// Renders the Liquid templates embedded in this assembly. A user directory can override any of them by file
    /// name (app.py.liquid, index.html.liquid, style.css.liquid, uwsgi.ini.liquid, supervisor.ini.liquid).
    /// </summary>
    public static class TemplateRenderer
    {
        static readonly FluidParser Parser = new FluidParser();
        // Parsed embedded templates never change, so parsing each once per process is safe to share.
        static readonly ConcurrentDictionary<string, IFluidTemplate> Embedded = new ConcurrentDictionary<string, IFluidTemplate>();

        public static string EmbeddedSource(string name)
        {
            var asm = typeof(TemplateRenderer).Assembly;
            using (var s = asm.GetManifestResourceStream(ResourcePrefix + name + ResourceSuffix))
            {
                if (s == null) throw new ArgumentException("No embedded template named " + name, nameof(name));
                using (var r = new StreamReader(s)) return r.ReadToEnd();
            }
        }

        const string ResourcePrefix = "UberspaceFlask.Templates.", ResourceSuffix = ".liquid";

        /// <summary>Parses every embedded template now (the parser is built on first use, which is slow).</summary>
        public static void Prepare()
        {
            foreach (string resource in typeof(TemplateRenderer).Assembly.GetManifestResourceNames())
            {
                if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal) || !resource.EndsWith(ResourceSuffix, StringComparison.Ordinal)) continue;
                string name = resource.Substring(ResourcePrefix.Length, resource.Length - ResourcePrefix.Length - ResourceSuffix.Length);
                Embedded.GetOrAdd(name, n => Parse(EmbeddedSource(n), "embedded template " + n));
            }
        }

        /// <summary>Checks an override directory before anything is rendered or written.</summary>
        public static string ValidateOverrideDirectory(string directory)
        {
            if (directory == null) return null;
            if (!Directory.Exists(directory))
                throw new UberspaceException("TemplatePathNotFound", FailureKind.ObjectNotFound,
                    $"The template directory '{directory}' does not exist. Give a directory holding files such as app.py.liquid.", directory);
            return directory;
        }

        public static string Render(string name, IDictionary<string, object> model, string overrideDirectory = null)
        {
            IFluidTemplate template;
            string source = null;
            string origin = "embedded template " + name;
            if (overrideDirectory != null && File.Exists(Path.Combine(overrideDirectory, name + ".liquid")))
            {
                origin = Path.Combine(overrideDirectory, name + ".liquid");
                source = File.ReadAllText(origin);
                template = Parse(source, origin);
            }
            else
            {
                template = Embedded.GetOrAdd(name, n => Parse(EmbeddedSource(n), "embedded template " + n));
            }

            var options = new TemplateOptions { StrictVariables = true };
            var context = new TemplateContext(options);
            foreach (var kv in model)
                context.SetValue(kv.Key, FluidValue.Create(kv.Value, options));
            try
            {
                string text = template.Render(context, NullEncoder.Default, false);
                return text.Replace("\r\n", "\n");
            }
            catch (Exception ex) when (!(ex is UberspaceException))
            {
                throw new UberspaceException("TemplateRenderFailed", FailureKind.InvalidData,
                    $"Rendering {origin} failed: {ex.Message}", origin, ex);
            }
        }

        static IFluidTemplate Parse(string source, string origin)
        {
            if (!Parser.TryParse(source, out var template, out var error))
                throw new UberspaceException("TemplateInvalid", FailureKind.InvalidData,
                    $"The {origin} is not valid Liquid: {error}", origin);
            return template;
        }
    }
}
