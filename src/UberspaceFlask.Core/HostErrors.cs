using System;

namespace UberspaceFlask.Core
{
    /// <summary>
    /// The errors that more than one step meets, each worded here once: an ErrorId says the same thing and names the
    /// same fix whichever cmdlet raises it. Below them, the ids raised from more than one place with words of their
    /// own: each is constructed only here, so it has one category (Scripts.Tests' ErrorId test checks this).
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
            UwsgiNotFound($"No uWSGI was found on {where}: not in the venv and not on PATH. {hint}", target);

        // Raised from more than one place, each with its own words: the id and its category are fixed here, once.
        public static UberspaceException CommandTimeout(string message, object target = null, Exception inner = null) =>
            new UberspaceException("CommandTimeout", FailureKind.OperationTimeout, message, target, inner);
        public static UberspaceException CommandStopped(string message, object target = null, Exception inner = null) =>
            new UberspaceException("CommandStopped", FailureKind.OperationStopped, message, target, inner);
        public static UberspaceException AppNotPublished(string message, object target = null, Exception inner = null) =>
            new UberspaceException("AppNotPublished", FailureKind.ObjectNotFound, message, target, inner);
        public static UberspaceException UwsgiNotFound(string message, object target = null, Exception inner = null) =>
            new UberspaceException("UwsgiNotFound", FailureKind.NotInstalled, message, target, inner);
        public static UberspaceException ConnectionFailed(string message, object target = null, Exception inner = null) =>
            new UberspaceException("ConnectionFailed", FailureKind.ConnectionError, message, target, inner);
        public static UberspaceException AppNotFound(string message, object target = null, Exception inner = null) =>
            new UberspaceException("AppNotFound", FailureKind.ObjectNotFound, message, target, inner);
        public static UberspaceException SessionClosed(string message, object target = null, Exception inner = null) =>
            new UberspaceException("SessionClosed", FailureKind.InvalidOperation, message, target, inner);
        public static UberspaceException ReleaseNotFound(string message, object target = null, Exception inner = null) =>
            new UberspaceException("ReleaseNotFound", FailureKind.ObjectNotFound, message, target, inner);
        public static UberspaceException PythonNotFound(string message, object target = null, Exception inner = null) =>
            new UberspaceException("PythonNotFound", FailureKind.NotInstalled, message, target, inner);
        public static UberspaceException PortRequired(string message, object target = null, Exception inner = null) =>
            new UberspaceException("PortRequired", FailureKind.InvalidArgument, message, target, inner);
        public static UberspaceException InvalidPath(string message, object target = null, Exception inner = null) =>
            new UberspaceException("InvalidPath", FailureKind.InvalidArgument, message, target, inner);
        public static UberspaceException InvalidAlternatePort(string message, object target = null, Exception inner = null) =>
            new UberspaceException("InvalidAlternatePort", FailureKind.InvalidArgument, message, target, inner);
        public static ConnectionLostException ConnectionLost(string message, object target = null, Exception inner = null) =>
            new ConnectionLostException(message, target, inner);
        public static UberspaceException AuthenticationFailed(string message, object target = null, Exception inner = null) =>
            new UberspaceException("AuthenticationFailed", FailureKind.SecurityError, message, target, inner);
        public static UberspaceException AppPathRequired(string message, object target = null, Exception inner = null) =>
            new UberspaceException("AppPathRequired", FailureKind.InvalidArgument, message, target, inner);
    }
}
