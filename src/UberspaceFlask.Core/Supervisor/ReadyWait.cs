using System;
using System.Linq;
using UberspaceFlask.Core.Host;

namespace UberspaceFlask.Core.Supervisor
{
    /// <summary>
    /// lib.sh's wait_ready, read back: a program counts as ready as soon as it answers HTTP on its port (or, with no
    /// port or no curl, once supervisord says RUNNING); FATAL, BACKOFF, EXITED or the timeout end the wait with the
    /// program's stderr tail. supervisord's startsecs stays a crash guard, not a wait.
    /// </summary>
    public static class ReadyWait
    {
        public static SupervisorProgramStatus Read(ScriptOutput output, string name, TimeSpan timeout, int? port)
        {
            string outcome = output.Facts("wait").TryGetValue("outcome", out var o) ? o : "none";
            var status = SupervisorStatusParser.Find(output.Text("status"), name)
                         ?? new SupervisorProgramStatus { Name = name, State = SupervisorState.Unknown };
            if (outcome == "ready")
            {
                // supervisorctl shows no pid while STARTING: uWSGI's master binds the port before it forks its workers.
                if (status.Pid == null && port != null)
                    status.Pid = Web.Listeners.OnPort(Web.Listeners.Parse(output.Text("listeners")), port.Value).SelectMany(l => l.Pids).DefaultIfEmpty().Min() is int p && p > 0 ? p : (int?)null;
                return status;
            }
            string tail = output.Text("log-tail").Trim();
            if (tail.Length == 0) tail = "(the program's stderr log is empty)";
            bool timedOut = outcome == "timeout";
            string why = timedOut
                ? $"did not answer within {timeout.TotalSeconds:0} s (state {status.State})"
                : $"is {status.State}" + (string.IsNullOrEmpty(status.Description) ? "" : $" ({status.Description})");
            throw new UberspaceException(timedOut ? "ServiceStartTimeout" : "ServiceFailed", FailureKind.InvalidOperation,
                $"The service '{name}' {why}. Its log ends with:\n{tail}\n" +
                $"Fix the cause (an import error in the app, a wrong path, a port already taken), then run this again; see Get-SupervisorLog or 'supervisorctl tail {name} stderr'.", name)
            { Detail = tail };
        }
    }
}
