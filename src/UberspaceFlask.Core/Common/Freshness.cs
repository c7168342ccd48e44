using System;

namespace UberspaceFlask.Core
{
    /// <summary>How long facts one step read may stand in for the next step's own look at the host.</summary>
    public static class Freshness
    {
        public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);
        public static bool IsFresh(DateTime takenAtUtc, DateTime nowUtc) => nowUtc - takenAtUtc <= MaxAge && nowUtc >= takenAtUtc;
    }
}
