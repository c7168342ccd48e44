using System;
using System.Collections.Generic;
using System.Linq;
using UberspaceFlask.Core.Host;
using UberspaceFlask.Core.Uwsgi;

namespace UberspaceFlask.Core.Supervisor
{
    public enum LogStream { Stdout, Stderr }

    /// <summary>A supervisord program with what its ini says.</summary>
    public sealed class ServiceInfo
    {
        public SupervisorProgramStatus Status { get; set; }
        public string ConfigPath { get; set; }
        /// <summary>The ini's directory=, with %(ENV_HOME)s expanded.</summary>
        public string AppPath { get; set; }
    }

    /// <summary>One service as a lifecycle cmdlet sees it before acting.</summary>
    public sealed class ServiceFacts
    {
        public string Home { get; set; }
        public SupervisorProgramStatus Status { get; set; }
        public ServiceDefinition Definition { get; set; }
        public bool HasIni { get; set; }
        /// <summary>The port of the app's uwsgi.ini (what Start and Restart wait on); null when there is none.</summary>
        public int? Port { get; set; }
    }

    public enum LifecycleAction { Start, Restart, Stop, Remove }

    public sealed class LifecyclePlan
    {
        public string Name { get; set; }
        public LifecycleAction Action { get; set; }
        public SupervisorProgramStatus Before { get; set; }
        public string ConfigPath { get; set; }
        public string AppPath { get; set; }
        /// <summary>The port Start and Restart wait on; null: RUNNING is the sign.</summary>
        public int? Port { get; set; }
        public List<Change> Changes { get; } = new List<Change>();
    }

    /// <summary>Lifecycle of supervisord programs: list, start, stop, restart, unregister, logs.</summary>
    public static class SupervisorServices
    {
        static readonly TimeSpan StopWait = TimeSpan.FromSeconds(60);

        /// <summary>All programs, in one round trip: `supervisorctl status` and every services.d ini.</summary>
        public static List<ServiceInfo> List(HostShell shell)
        {
            var r = shell.RunScript("services/list");
            string status = r.Output.Text("status");
            ThrowIfNotRunning(shell, status);
            string home = shell.Transport.KnownHome;
            var defs = ServiceIni.ReadAll(home, r.Output).ToDictionary(d => d.Name, StringComparer.Ordinal);
            return SupervisorStatusParser.Parse(status).Where(s => s.State != SupervisorState.NotFound).Select(s => new ServiceInfo
            {
                Status = s,
                ConfigPath = defs.TryGetValue(s.Name, out var d) ? d.ConfigPath : null,
                AppPath = defs.TryGetValue(s.Name, out var d2) ? d2.Directory : null,
            }).ToList();
        }

        static void ThrowIfNotRunning(HostShell shell, string output) => ThrowIfNotRunning(shell.Where, output);

        static void ThrowIfNotRunning(string where, string output)
        {
            if (SupervisorStatusParser.IsNotRunning(output)) throw HostErrors.SupervisorNotRunning(where, output, null);
        }

        /// <summary>The service's state and ini, in one round trip.</summary>
        public static ServiceFacts Probe(HostShell shell, string name) => Read(shell.RunScript("services/probe", ScriptArgument.Of(name)).Output, name, shell.Where);

        /// <summary>The probe's output into facts: no host, unit-testable with captured output.</summary>
        public static ServiceFacts Read(ScriptOutput output, string name, string where)
        {
            string status = output.Text("status");
            switch (SupervisorStatusParser.Reach(status, output.Exit("status-exit")))
            {
                case SupervisorReach.Missing: throw HostErrors.SupervisorNotInstalled(where, name);
                case SupervisorReach.NotRunning: throw HostErrors.SupervisorNotRunning(where, status, null);
            }
            string home = HostPaths.Normalize(output.Facts("host").TryGetValue("home", out var h) ? h : "/");
            var ini = output.File("service");
            var uwsgi = output.File("uwsgi");
            return new ServiceFacts
            {
                Home = home,
                Status = SupervisorStatusParser.Find(status, name),
                Definition = ServiceIni.Read(home, name, ini.Text),
                HasIni = ini.Exists,
                Port = uwsgi.Exists && uwsgi.Text != null ? UwsgiIni.Read(uwsgi.Text).Port : null,
            };
        }

        /// <summary>Decides what a lifecycle action does, from the probe alone (no host): unit-tested without one.</summary>
        public static LifecyclePlan Plan(string name, LifecycleAction action, ServiceFacts facts, string where)
        {
            var plan = new LifecyclePlan { Name = name, Action = action, Before = facts.Status, ConfigPath = facts.Definition.ConfigPath, AppPath = facts.Definition.Directory, Port = facts.Port };
            bool known = facts.Status != null && facts.Status.State != SupervisorState.NotFound;
            if (!known && !(action == LifecycleAction.Remove && facts.HasIni))
                throw HostErrors.ServiceNotFound(name, where);
            string state = facts.Status?.State ?? SupervisorState.NotFound;
            switch (action)
            {
                case LifecycleAction.Start:
                    if (!SupervisorState.IsUp(state)) plan.Changes.Add(Change.Run("supervisorctl start " + name, "now " + state));
                    break;
                case LifecycleAction.Restart:
                    plan.Changes.Add(Change.Run("supervisorctl restart " + name, "now " + state));
                    break;
                case LifecycleAction.Stop:
                    if (!SupervisorState.IsDown(state)) plan.Changes.Add(Change.Run("supervisorctl stop " + name, "now " + state));
                    break;
                case LifecycleAction.Remove:
                    plan.Changes.Add(Change.Run($"supervisorctl stop {name}"));
                    plan.Changes.Add(new Change("Delete file", plan.ConfigPath));
                    plan.Changes.Add(Change.Run($"supervisorctl update {name}", "removes it from supervisord"));
                    break;
            }
            return plan;
        }

        /// <summary>Carries out the plan; Start and Restart wait until the app answers on its port.</summary>
        public static SupervisorProgramStatus Apply(HostShell shell, LifecyclePlan plan, TimeSpan timeout)
        {
            string name = plan.Name;
            if (plan.Changes.Count == 0) return plan.Before;
            switch (plan.Action)
            {
                case LifecycleAction.Start:
                case LifecycleAction.Restart:
                {
                    int? port = plan.Port;
                    string activity = plan.Action == LifecycleAction.Restart ? "Restart-SupervisorService" : "Start-SupervisorService";
                    shell.Log.Progress(activity, $"Waiting for '{name}' to answer" + (port != null ? $" on port {port}" : ""), 20);
                    var r = shell.RunScript("services/act", new[]
                    {
                        ScriptArgument.Of(plan.Action == LifecycleAction.Restart ? "restart" : "start"), name,
                        port?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", ScriptArgument.Of((int)timeout.TotalSeconds), "",
                    }, timeout + StopWait);
                    shell.Log.ProgressDone(activity);
                    return ReadyWait.Read(r.Output, name, timeout, port);
                }
                case LifecycleAction.Stop:
                {
                    var r = shell.RunScript("services/act", new[] { ScriptArgument.Of("stop"), name, "", "0", "" }, StopWait + StopWait);
                    var after = SupervisorStatusParser.Find(r.Output.Text("status"), name);
                    if (after?.State != SupervisorState.Stopped)
                        throw new UberspaceException("ServiceStopFailed", FailureKind.InvalidOperation,
                            $"The service '{name}' did not stop (now {after?.State ?? "unknown"}): {r.Output.Text("output").Trim()}", name) { Detail = r.Output.Text("output") };
                    return after;
                }
                default:
                {
                    var r = shell.RunScript("services/act", new[] { ScriptArgument.Of("remove"), name, "", "0", plan.ConfigPath }, StopWait + StopWait);
                    if (r.ExitStatus != 0) throw r.Failure("ServiceRemoveFailed", "Removing the service " + name, shell.Where);
                    return SupervisorStatusParser.Find(r.Output.Text("status"), name);
                }
            }
        }

        public static string Log(HostShell shell, string name, LogStream stream, int bytes)
        {
            var r = shell.RunScript("services/log", ScriptArgument.Of(name), ScriptArgument.Of(bytes), ScriptArgument.Of(stream == LogStream.Stderr ? "stderr" : "stdout"));
            string status = r.Output.Text("status");
            ThrowIfNotRunning(shell, status);
            var s = SupervisorStatusParser.Find(status, name);
            if (s == null || s.State == SupervisorState.NotFound)
                throw HostErrors.ServiceNotFound(name, shell.Where);
            return r.Output.Text("log");
        }
    }
}
