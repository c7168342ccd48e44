namespace UberspaceFlask.Core
{
    /// <summary>
    /// The errors that more than one step meets, each worded here once: an ErrorId says the same thing and names the
    /// same fix whichever cmdlet raises it.
    /// </summary>
    public static class HostErrors
    {
        public static UberspaceException ServiceNotFound(string service, string where) =>
            new UberspaceException("ServiceNotFound", FailureKind.ObjectNotFound,
                $"There is no supervisord service '{service}' on {where}. Get-SupervisorService lists them.", service);

        public static UberspaceException SupervisorNotInstalled(string where, object target) =>
            new UberspaceException("SupervisorNotInstalled", FailureKind.NotInstalled,
                $"supervisorctl was not found on {where}. Services on Uberspace 7 run under supervisord; on another host install supervisor for the account.", target);

        /// <summary>supervisorctl answered, but supervisord did not: said is what supervisorctl printed.</summary>
        public static UberspaceException SupervisorNotRunning(string where, string said, object target) =>
            new UberspaceException("SupervisorNotRunning", FailureKind.ResourceUnavailable,
                $"supervisord is not running for this account on {where}: {(said ?? "").Trim()} " +
                "On Uberspace it is started for you; check ~/logs/supervisord.log, or ask the Uberspace support to restart it.", target)
            { Detail = said };

        public static UberspaceException SecretNotFound(string app, string name, string where) =>
            new UberspaceException("SecretNotFound", FailureKind.ObjectNotFound,
                $"{app} has no secret {name} on {where}. Get-FlaskSecret -App {app} lists them.", name);

        /// <summary>Neither the venv nor PATH has a uWSGI; hint says what to give instead.</summary>
        public static UberspaceException NoUwsgi(string where, string hint, object target) =>
            new UberspaceException("UwsgiNotFound", FailureKind.NotInstalled,
                $"No uWSGI was found on {where}: not in the venv and not on PATH. {hint}", target);
    }
}
