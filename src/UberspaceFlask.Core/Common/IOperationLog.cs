namespace UberspaceFlask.Core
{
    /// <summary>How the core reports what it does. The cmdlet implements it; calls come on the caller's thread.</summary>
    public interface IOperationLog
    {
        void Verbose(string message);
        void Warning(string message);
        /// <summary>What a command the user gave printed (a release command's output): PowerShell's information stream.</summary>
        void Information(string message);
        /// <summary>percent: 0-100, or -1 when unknown.</summary>
        void Progress(string activity, string status, int percent);
        void ProgressDone(string activity);
    }

    public sealed class NullOperationLog : IOperationLog
    {
        public static readonly NullOperationLog Instance = new NullOperationLog();
        public void Verbose(string message) { }
        public void Warning(string message) { }
        public void Information(string message) { }
        public void Progress(string activity, string status, int percent) { }
        public void ProgressDone(string activity) { }
    }
}
