namespace UberspaceFlask.Core.Host
{
    /// <summary>Exit statuses of the host scripts, by name; lib.sh's uf_exit holds the same table.</summary>
    public static class ExitCodes
    {
        public const int Failed = 1;
        /// <summary>Another client holds the publish lock (take_lock).</summary>
        public const int Locked = 3;
        /// <summary>What arrived is not what was sent.</summary>
        public const int Verify = 4;
        public const int Venv = 5;
        /// <summary>The first gate (import and the health path through a test client) failed.</summary>
        public const int Gate = 6;
        /// <summary>The stream of the release's files did not arrive whole.</summary>
        public const int Upload = 7;
        /// <summary>No space left on the device, or the quota is full.</summary>
        public const int NoSpace = 8;
        /// <summary>What was asked for is not there (a secret to remove).</summary>
        public const int NotFound = 9;
        /// <summary>The uWSGI the plan chose is not there (pip did not install the one the requirements name).</summary>
        public const int NoUwsgi = 10;
        /// <summary>Gate 2 could not start the slot: its files could not be written, or supervisord would not take it.</summary>
        public const int Slot = 11;
        /// <summary>The release command exited non-zero.</summary>
        public const int ReleaseCommand = 12;
        /// <summary>The script was given fewer words than its header names (a module and script of different versions).</summary>
        public const int Words = 13;
    }
}
