using System;
using System.Management.Automation;
using UberspaceFlask.Core.Web;

namespace UberspaceFlask
{
    /// <summary>Facts one step of the pipeline read and hands to the next, used only while fresh.</summary>
    internal static class Handover
    {
        static readonly TimeSpan MaxAge = WebBackendListSnapshot.MaxAge;

        internal sealed class UwsgiFactsHandover
        {
            internal UwsgiFactsHandover(Core.Uwsgi.UwsgiFacts facts, string entryModule) { Facts = facts; EntryModule = entryModule; TakenAtUtc = DateTime.UtcNow; }
            internal Core.Uwsgi.UwsgiFacts Facts { get; }
            internal string EntryModule { get; }
            internal DateTime TakenAtUtc { get; }
        }

        /// <summary>The facts New-FlaskApp handed over, while fresh and when they answer this spec (said in -Verbose), else null.</summary>
        internal static Core.Uwsgi.UwsgiFacts FreshUwsgiFacts(Cmdlet cmdlet, UwsgiFactsSnapshot handed, Core.Uwsgi.UwsgiSpec spec, string where)
        {
            if (!(handed?.Value is UwsgiFactsHandover h)) return null;
            var age = DateTime.UtcNow - h.TakenAtUtc;
            if (age > MaxAge || age < TimeSpan.Zero || !Core.Uwsgi.UwsgiConfigWriter.Answers(h.Facts, h.EntryModule, spec)) return null;
            cmdlet.WriteVerbose($"[{where}] uwsgi.ini and uWSGI: as New-FlaskApp's probe saw them, {age.TotalSeconds:0.0} s ago");
            return h.Facts;
        }

        /// <summary>
        /// The handed-over backend list while fresh (said in -Verbose), else null: the step reads it itself. A step
        /// that reports each line's status needs it current (no service started or stopped since).
        /// </summary>
        internal static WebBackendListSnapshot FreshBackendList(Cmdlet cmdlet, BackendListSnapshot handed, string where, bool needStatus = false)
        {
            if (!(handed?.Value is WebBackendListSnapshot snapshot) || !snapshot.IsFresh(DateTime.UtcNow)) return null;
            if (needStatus && !snapshot.StatusCurrent) return null;
            cmdlet.WriteVerbose($"[{where}] uberspace web backend list: as read by the step before, {(DateTime.UtcNow - snapshot.TakenAtUtc).TotalSeconds:0.0} s ago");
            return snapshot;
        }
    }
}
