using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using UberspaceFlask.Core.Host;

namespace UberspaceFlask.Core.Releases
{
    /// <summary>
    /// The words a long host script takes, by name: each record lists its names in order (Names), and the script's
    /// header says the same in its "# words:" line and binds them in that order before it acts (a unit test compares
    /// the two). A script given fewer words refuses with the exit status ExitCodes.Words.
    /// </summary>
    public abstract class ScriptWords
    {
        protected abstract IEnumerable<(string Name, ScriptArgument Value)> Words();

        /// <summary>The names, in the order the script binds them.</summary>
        public IReadOnlyList<string> Names => Words().Select(w => w.Name).ToList();

        public List<ScriptArgument> ToArguments() => Words().Select(w => w.Value).ToList();
    }

    /// <summary>Gate 2's twelve words (start_slot in lib.sh): the slot's files as planned and what to wait for.</summary>
    public sealed class SlotWords : ScriptWords
    {
        readonly PublishPlan _plan;
        public SlotWords(PublishPlan plan) { _plan = plan; }

        protected override IEnumerable<(string Name, ScriptArgument Value)> Words()
        {
            var p = _plan;
            string Content(FileChange f) => f.Kind == ChangeKind.Unchanged ? "" : Convert.ToBase64String(new UTF8Encoding(false).GetBytes(f.Content));
            yield return ("slot_service", ScriptArgument.Of(PublishLayout.SlotService(p.Spec.Name, p.Slot)));
            yield return ("slot_port", ScriptArgument.Of(p.SlotPort));
            yield return ("slot_timeout", ScriptArgument.Of(p.Spec.HealthTimeoutSeconds));
            yield return ("slot_ini", ScriptArgument.Of(p.SlotIni.Path));
            yield return ("slot_ini_content", ScriptArgument.Base64(Content(p.SlotIni), p.SlotIni.Content.Length));
            yield return ("slot_ini_backup", p.SlotIni.BackupPath ?? "");
            bool rewrite = p.SlotService.Kind != ChangeKind.Unchanged || p.RewriteSlotService;
            string service = rewrite ? Convert.ToBase64String(new UTF8Encoding(false).GetBytes(p.SlotService.Content)) : "";
            yield return ("service_ini", ScriptArgument.Of(p.SlotService.Path));
            yield return ("service_ini_content", ScriptArgument.Base64(service, p.SlotService.Content.Length));
            yield return ("service_ini_backup", p.SlotService.BackupPath ?? "");
            yield return ("service_mode", p.SlotService.Kind != ChangeKind.Unchanged ? "update" : rewrite ? "rewrite" : "restart");
            yield return ("health_path", ScriptArgument.Of(p.HealthUrlPath));
            yield return ("pidfile", ScriptArgument.Of(new PublishDirectory(p.Root).SlotPidFile(p.Slot)));
        }
    }

    /// <summary>releases/stage.sh's words (pip's arguments follow them, as many as there are).</summary>
    public sealed class StageWords : ScriptWords
    {
        readonly PublishPlan _plan;
        readonly int _manifest, _keep, _links;
        readonly string _holder;

        public StageWords(PublishPlan plan, string holder, int manifestBytes, int keepBytes, int linksBytes)
        {
            _plan = plan; _holder = holder; _manifest = manifestBytes; _keep = keepBytes; _links = linksBytes;
        }

        protected override IEnumerable<(string Name, ScriptArgument Value)> Words()
        {
            var p = _plan;
            var spec = p.Spec;
            yield return ("publish_dir", ScriptArgument.Of(p.Root));
            yield return ("holder", _holder);
            yield return ("id", p.ReleaseId);
            yield return ("current", p.CurrentId ?? "");
            yield return ("break_lock", p.BreakLock ? "break" : "");
            yield return ("manifest_bytes", ScriptArgument.Of(_manifest));
            yield return ("keep_bytes", ScriptArgument.Of(_keep));
            yield return ("links_bytes", ScriptArgument.Of(_links));
            yield return ("info", ScriptArgument.Content(p.Info.Render()));
            yield return ("python", spec.Python);
            yield return ("venv_key", p.VenvKey);
            yield return ("system_site", ScriptArgument.Of(spec.SystemSitePackages));
            yield return ("requirements", p.Requirements ?? "");
            yield return ("shared_dirs", string.Join("\n", spec.SharedPaths));
            yield return ("shim_content", ScriptArgument.Content(HostScript.Embedded("releases.uf_wsgi.py")));
            yield return ("gate_content", ScriptArgument.Content(HostScript.Embedded("releases.uf_gate.py")));
            yield return ("entry", p.Entry);
            yield return ("health", spec.HealthPath);
            yield return ("uwsgi", p.SlotUwsgi);
            foreach (var w in new SlotWords(p).WordsOf()) yield return w;
            yield return ("release_command", CommandWords.Encode(spec.ReleaseCommand));
            yield return ("runner", spec.ReleaseCommand == null ? ScriptArgument.Of("") : ScriptArgument.Content(HostScript.Embedded("releases.uf_run.py")));
        }

        /// <summary>The words, then pip's arguments.</summary>
        public List<ScriptArgument> ToArgumentsWithPip()
        {
            var list = ToArguments();
            list.AddRange(_plan.Spec.PipArguments.Select(ScriptArgument.Pip));
            return list;
        }
    }

    /// <summary>releases/slot.sh's words: gate 2's, then, when a release command runs first, its six.</summary>
    public sealed class SlotCommandWords : ScriptWords
    {
        readonly PublishPlan _plan;
        public SlotCommandWords(PublishPlan plan) { _plan = plan; }

        protected override IEnumerable<(string Name, ScriptArgument Value)> Words()
        {
            var p = _plan;
            bool run = p.Spec.ReleaseCommand != null;
            foreach (var w in new SlotWords(p).WordsOf()) yield return w;
            yield return ("release_command", run ? CommandWords.Encode(p.Spec.ReleaseCommand) : "");
            yield return ("publish_dir", run ? ScriptArgument.Of(p.Root) : ScriptArgument.Of(""));
            yield return ("id", run ? p.ReleaseId : "");
            yield return ("venv_key", run ? p.VenvKey : "");
            yield return ("entry", run ? p.Entry : "");
            yield return ("runner", run ? ScriptArgument.Content(HostScript.Embedded("releases.uf_run.py")) : ScriptArgument.Of(""));
        }
    }

    /// <summary>releases/finish.sh's words: the records of a release that went live, and what its cleanup does.</summary>
    public sealed class FinishWords : ScriptWords
    {
        readonly PublishPlan _plan;
        readonly string _old, _cleanupHolder;
        public FinishWords(PublishPlan plan, string oldService, string cleanupHolder) { _plan = plan; _old = oldService; _cleanupHolder = cleanupHolder; }

        protected override IEnumerable<(string Name, ScriptArgument Value)> Words()
        {
            var p = _plan;
            var idle = p.OldSlotServiceIdle;
            yield return ("publish_dir", ScriptArgument.Of(p.Root));
            yield return ("state", ScriptArgument.Content(p.NewState.Render()));
            yield return ("id", p.ReleaseId);
            yield return ("info", ScriptArgument.Content(p.Info.With(ReleaseStatus.Good).Render()));
            yield return ("old_service", _old);
            yield return ("grace", ScriptArgument.Of(p.Spec.GraceSeconds));
            yield return ("prune", string.Join("\n", p.Prune));
            yield return ("prune_venvs", string.Join("\n", p.PruneVenvs));
            yield return ("old_ini", idle?.Path ?? "");
            yield return ("old_ini_content", ScriptArgument.Content(idle?.Content ?? ""));
            yield return ("cleanup_script", ScriptArgument.Script(HostScript.Get("releases/cleanup")));
            yield return ("old_ini_backup", idle?.BackupPath ?? "");
            yield return ("cleanup_holder", _cleanupHolder);
        }
    }

    static class ScriptWordsExtensions
    {
        /// <summary>Another record's words, to embed them (gate 2's in the stage's and the slot command's).</summary>
        public static IEnumerable<(string Name, ScriptArgument Value)> WordsOf(this SlotWords words) =>
            words.Names.Zip(words.ToArguments(), (n, v) => (n, v));
    }
}
