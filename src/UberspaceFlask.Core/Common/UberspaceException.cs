using System;

namespace UberspaceFlask.Core
{
    /// <summary>What kind of failure, so the PowerShell layer can pick an ErrorCategory without the core knowing PowerShell.</summary>
    public enum FailureKind
    {
        InvalidArgument,
        InvalidData,
        ObjectNotFound,
        ResourceExists,
        ResourceUnavailable,
        NotInstalled,
        OperationTimeout,
        InvalidOperation,
        SecurityError,
        ConnectionError,
        OperationStopped,
    }

    /// <summary>A failure with a stable, PascalCase ErrorId that tests and scripts can rely on.</summary>
    public class UberspaceException : Exception
    {
        public UberspaceException(string errorId, FailureKind kind, string message, object target = null, Exception inner = null)
            : base(message, inner)
        {
            if (string.IsNullOrEmpty(errorId)) throw new ArgumentException("errorId is required", nameof(errorId));
            ErrorId = errorId;
            Kind = kind;
            Target = target;
        }

        public string ErrorId { get; }
        public FailureKind Kind { get; }
        public object Target { get; }
        /// <summary>Extra output (a log tail, a command's stderr) that belongs with the message.</summary>
        public string Detail { get; set; }
        /// <summary>For ConnectionLost: what the command had written to stdout before the connection went (raw text).</summary>
        public string PartialStdout { get; set; }
    }

    /// <summary>ConnectionLost: the SSH connection went while a command ran (raised by HostErrors.ConnectionLost only).</summary>
    public class ConnectionLostException : UberspaceException
    {
        public ConnectionLostException(string message, object target = null, Exception inner = null)
            : base("ConnectionLost", FailureKind.ConnectionError, message, target, inner) { }
    }
}
