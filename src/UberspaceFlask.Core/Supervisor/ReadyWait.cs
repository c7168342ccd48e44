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
        /// <summary>What the wait saw, without judging it: the outcome, the last HTTP status, the program's status, its log tail.</summary>
        public sealed class Outcome
        {
            /// <summary>ready, gave-up, timeout (none when the wait did not run).</summary>
            public string Result { get; set; }
            public string Code { get; set; }
            public SupervisorProgramStatus Status { get; set; }
            public string StatusText { get; set; }
            public string LogTail { get; set; }
            public bool Ready => Result == "ready";
        }

        public static Outcome Parse(ScriptOutput output, string name)
        {
            var wait = output.Facts("wait");
            return new Outcome
            {
                Result = wait.TryGetValue("outcome", out var o) ? o : "none",
                Code = wait.TryGetValue("code", out var c) ? c : "000",
                Status = SupervisorStatusParser.Find(output.Text("status"), name) ?? new SupervisorProgramStatus { Name = name, State = SupervisorState.Unknown },
                StatusText = output.Text("status").Trim(),
                LogTail = output.Text("log-tail").Trim(),
            };
        }

        public static SupervisorProgramStatus Read(ScriptOutput output, string name, TimeSpan timeout, int? port)
        {
            var parsed = Parse(output, name);
            string outcome = parsed.Result;
            var status = parsed.Status;
            if (outcome == "ready")
            {
                // supervisorctl shows no pid while STARTING: uWSGI's master binds the port before it forks its workers.
                if (status.Pid == null && port != null)
                    status.Pid = Web.Listeners.OnPort(Web.Listeners.Parse(output.Text("listeners")), port.Value).SelectMany(l => l.Pids).DefaultIfEmpty().Min() is int p && p > 0 ? p : (int?)null;
                return status;
            }
            string tail = parsed.LogTail;
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
