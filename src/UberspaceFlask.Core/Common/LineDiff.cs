using System.Collections.Generic;

namespace UberspaceFlask.Core
{
    /// <summary>A short summary of how a file would change, for -WhatIf: "+2 -1 lines".</summary>
    public static class LineDiff
    {
        public static string Summary(string before, string after)
        {
            if (before == null) return $"{Lines(after).Count} lines";
            // Lines counted as a multiset: enough to tell a user how much changes, without a full diff.
            var counts = new Dictionary<string, int>();
            foreach (var l in Lines(before)) counts[l] = counts.TryGetValue(l, out int n) ? n + 1 : 1;
            int added = 0;
            foreach (var l in Lines(after))
            {
                if (counts.TryGetValue(l, out int n) && n > 0) counts[l] = n - 1;
                else added++;
            }
            int removed = 0;
            foreach (var n in counts.Values) removed += n;
            return $"+{added} -{removed} lines";
        }

        static List<string> Lines(string text) =>
            new List<string>(text.Length == 0 ? new string[0] : text.TrimEnd('\n').Split('\n'));
    }
}
