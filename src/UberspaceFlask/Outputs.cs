using UberspaceFlask.Core;

namespace UberspaceFlask
{
    /// <summary>Which log of a supervisord program.</summary>
    public enum SupervisorLogStream { Stdout, Stderr }

    static class Outputs
    {
        internal static SupervisorService Service(ServiceInfo i, string location, UberspaceSession session) => new SupervisorService
        {
            Name = i.Status.Name,
            State = i.Status.State,
            Pid = i.Status.Pid,
            Uptime = i.Status.Uptime,
            ConfigPath = i.ConfigPath,
            AppPath = i.AppPath,
            Location = location,
            Session = session,
        };

        internal static SupervisorService Service(SupervisorProgramStatus s, string home, string location, UberspaceSession session, bool changed) => new SupervisorService
        {
            Name = s.Name,
            State = s.State,
            Pid = s.Pid,
            Uptime = s.Uptime,
            ConfigPath = SupervisorRegistrar.IniPathFor(home, s.Name),
            Location = location,
            Session = session,
            Changed = changed,
        };
    }
}
