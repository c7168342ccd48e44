using System;
using System.Management.Automation;
using UberspaceFlask.Core;
using UberspaceFlask.Core.Uwsgi;
using UberspaceFlask.Core.Web;

namespace UberspaceFlask
{
    /// <summary>Facts one step of the pipeline read and hands to the next, used only while fresh (said in -Verbose).</summary>
    internal static class Handover
    {
        sealed class UwsgiFactsTaken
        {
            internal UwsgiFactsTaken(UwsgiFacts facts, string entryModule) { Facts = facts; EntryModule = entryModule; TakenAtUtc = DateTime.UtcNow; }
            internal UwsgiFacts Facts { get; }
            internal string EntryModule { get; }
            internal DateTime TakenAtUtc { get; }
        }

        internal static HandedOver Of(WebBackendListSnapshot list) => new HandedOver(list, "uberspace web backend list, as read by the step before");

        internal static HandedOver Of(UwsgiFacts facts, string entryModule) =>
            new HandedOver(new UwsgiFactsTaken(facts, entryModule), "uwsgi.ini and uWSGI, as New-FlaskApp's probe saw them");

        /// <summary>The facts New-FlaskApp handed over, while fresh and when they answer this spec, else null.</summary>
        internal static UwsgiFacts FreshUwsgiFacts(Cmdlet cmdlet, HandedOver handed, UwsgiSpec spec, string where)
        {
            if (!(handed?.Value is UwsgiFactsTaken h) || !Freshness.IsFresh(h.TakenAtUtc, DateTime.UtcNow)
                || !UwsgiConfigWriter.Answers(h.Facts, h.EntryModule, spec)) return null;
            Said(cmdlet, where, "uwsgi.ini and uWSGI: as New-FlaskApp's probe saw them", h.TakenAtUtc);
            return h.Facts;
        }

        /// <summary>
        /// The handed-over backend list while fresh, else null: the step reads it itself. A step that reports each
        /// line's status needs it current (no service started or stopped since).
        /// </summary>
        internal static WebBackendListSnapshot FreshBackendList(Cmdlet cmdlet, HandedOver handed, string where, bool needStatus = false)
        {
            if (!(handed?.Value is WebBackendListSnapshot snapshot) || !snapshot.IsFresh(DateTime.UtcNow)) return null;
            if (needStatus && !snapshot.StatusCurrent) return null;
            Said(cmdlet, where, "uberspace web backend list: as read by the step before", snapshot.TakenAtUtc);
            return snapshot;
        }

        static void Said(Cmdlet cmdlet, string where, string what, DateTime takenAtUtc) =>
            cmdlet.WriteVerbose($"[{where}] {what}, {(DateTime.UtcNow - takenAtUtc).TotalSeconds:0.0} s ago");
    }
}
