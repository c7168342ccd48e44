using System;
using System.Collections.Generic;
using System.Linq;
using UberspaceFlask.Core.Host;

namespace UberspaceFlask.Core.Releases
{
    public sealed class PrunePlan
    {
        public List<string> Releases { get; set; } = new List<string>();
        public List<string> Venvs { get; set; } = new List<string>();
        public List<Change> Changes { get; } = new List<Change>();
    }

    /// <summary>Remove-FlaskRelease: the same rules publishing prunes by, or named releases (never current or previous).</summary>
    public static class ReleasePruning
    {
        public static PrunePlan Plan(PublishFacts facts, string name, IEnumerable<string> ids, int keepReleases)
        {
            var plan = new PrunePlan();
            var named = ids?.Where(i => !string.IsNullOrEmpty(i)).ToList();
            if (named != null && named.Count > 0)
            {
                foreach (var id in named)
                {
                    if (facts.Release(id) == null)
                        throw HostErrors.ReleaseNotFound($"{name} on {facts.Where} has no release {id}.", id);
                    if (id == facts.State.Current || id == facts.State.Previous)
                        throw new UberspaceException("ReleaseInUse", FailureKind.InvalidOperation,
                            $"Release {id} of {name} on {facts.Where} is the {(id == facts.State.Current ? "current" : "previous")} one and is kept.", id);
                }
                plan.Releases = named.Distinct().ToList();
                var kept = facts.Releases.Where(r => !plan.Releases.Contains(r.Id)).Select(r => r.Venv);
                var used = new HashSet<string>(kept.Where(v => v != null), StringComparer.Ordinal);
                plan.Venvs = facts.Venvs.Where(v => !used.Contains(v)).OrderBy(v => v, StringComparer.Ordinal).ToList();
            }
            else
            {
                var (releases, venvs) = PublishPlanner.PlanPrune(facts, keepReleases);
                plan.Releases = releases;
                plan.Venvs = venvs;
            }
            string root = facts.Root ?? PublishLayout.RootFor(name);
            var dir = new PublishDirectory(root);
            foreach (var id in plan.Releases) plan.Changes.Add(new Change("Remove release", dir.Release(id)));
            foreach (var v in plan.Venvs) plan.Changes.Add(new Change("Remove venv", dir.Venv(v)));
            return plan;
        }

        public static void Apply(HostShell shell, string name, PrunePlan plan)
        {
            var r = shell.RunScript("releases/prune", new[]
            {
                ScriptArgument.Of(PublishLayout.RootFor(name)), Publisher.Holder(), string.Join("\n", plan.Releases), string.Join("\n", plan.Venvs),
            });
            if (r.ExitStatus == ExitCodes.Locked) throw PublishLayout.Locked(name, shell.Where, PublishLock.ReadRefusal(r.Output.Text("lock")));
            if (r.ExitStatus != 0) throw r.Failure("ReleasePruneFailed", "Removing releases", shell.Where);
        }
    }
}
