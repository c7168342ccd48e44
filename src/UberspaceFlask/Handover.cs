using System;
using System.Management.Automation;
using UberspaceFlask.Core.Web;

namespace UberspaceFlask
{
    /// <summary>Facts one step of the pipeline read and hands to the next, used only while fresh.</summary>
    internal static class Handover
    {
        /// <summary>The handed-over backend list while fresh (said in -Verbose), else null: the step reads it itself.</summary>
        internal static WebBackendListSnapshot FreshBackendList(Cmdlet cmdlet, BackendListSnapshot handed, string where)
        {
            if (!(handed?.Value is WebBackendListSnapshot snapshot) || !snapshot.IsFresh(DateTime.UtcNow)) return null;
            cmdlet.WriteVerbose($"[{where}] uberspace web backend list: as read by the step before, {(DateTime.UtcNow - snapshot.TakenAtUtc).TotalSeconds:0.0} s ago");
            return snapshot;
        }
    }
}
