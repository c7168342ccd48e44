using System;
using System.Collections.Generic;
using System.Linq;
using UberspaceFlask.Core.Host;
using UberspaceFlask.Core.Uwsgi;
using UberspaceFlask.Core.Web;

namespace UberspaceFlask.Core.Supervisor
{
    /// <summary>
    /// What uWSGI's master reported for itself (lib.sh's show_master): a live process named by a pidfile in the app
    /// directory, a child of supervisord. Enough, without a supervisorctl call, when it holds the port uwsgi.ini
    /// names and a service ini runs this app; the state is then what supervisorctl would show.
    /// </summary>
    public sealed class MasterReport
    {
        public int Pid { get; set; }
        public TimeSpan? Uptime { get; set; }

        public static MasterReport Read(ScriptOutput output, string section = "master")
        {
            var f = output.Facts(section);
            if (!f.TryGetValue("pid", out var p) || !int.TryParse(p, out int pid)) return null;
            return new MasterReport { Pid = pid, Uptime = SupervisorStatusParser.ParseElapsed(f.TryGetValue("elapsed", out var e) ? e : null) };
        }

        /// <summary>Whether this report can stand in for supervisorctl's word about the service that ini defines.</summary>
        public bool Suffices(string appPath, HostFile uwsgiIni, ServiceDefinition service, IEnumerable<Listener> listeners)
        {
            if (!uwsgiIni.Exists || service == null || !HostPaths.SamePath(service.Directory, appPath)) return false;
            return AnswersOn(listeners, UwsgiIni.Read(uwsgiIni.Text).Port);
        }

        /// <summary>Whether this master itself listens on port: the app's own uWSGI, not a stray process or a pid
        /// that came round again.</summary>
        public bool AnswersOn(IEnumerable<Listener> listeners, int? port) =>
            port != null && Listeners.OnPort(listeners, port.Value).Any(l => l.Pids.Contains(Pid));

        /// <summary>The status supervisorctl would show: STARTING until the ini's startsecs are over, then RUNNING.</summary>
        public SupervisorProgramStatus ToStatus(ServiceDefinition service) => ToStatus(service.Name, service.StartSeconds);

        public SupervisorProgramStatus ToStatus(string service, int startSeconds) => new SupervisorProgramStatus
        {
            Name = service,
            State = Uptime == null || Uptime.Value.TotalSeconds >= startSeconds ? SupervisorState.Running : SupervisorState.Starting,
            Pid = Pid,
            Uptime = Uptime,
            Description = "as uWSGI's master reports it",
        };
    }
}
