using System;
using System.Collections.Generic;
using System.Management.Automation;
using UberspaceFlask.Core;
using UberspaceFlask.Core.Host;

namespace UberspaceFlask.Commands
{
    /// <summary>
    /// The base of every cmdlet that acts on a host: it owns -Session (the local machine without one) and the step
    /// contract's loop, as PowerShell's WebRequestPSCmdlet owns the request loop: the spec validated before any I/O,
    /// one probe, a pure plan, ShouldProcess once per change, apply, emit. A cmdlet is then its parameters and the
    /// core calls it names; a step that differs says so by not calling Step.
    /// </summary>
    public abstract class HostStepCmdlet : UberspaceCmdlet
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SessionCompleter))]
        public UberspaceSession Session { get; set; }

        /// <summary>The shell for -Session, or for the local machine.</summary>
        protected HostShell OpenShell() => OpenShell(Session);

        /// <summary>
        /// One record's step: validate, then (on the host) probe, plan, ask per change, apply. apply gets the shell and
        /// the plan and writes what the step emits; a plan with no change is applied without asking (it reports).
        /// Failures become non-terminating errors with their ErrorIds (Guard).
        /// </summary>
        protected void Step<TSpec, TFacts, TPlan>(object target, Func<TSpec> validate, Func<HostShell, TSpec, TFacts> probe,
            Func<TSpec, TFacts, HostShell, TPlan> plan, Func<TPlan, IEnumerable<Change>> changes, Action<HostShell, TPlan> apply) =>
            Step(target, validate, probe, plan, changes, (StepRun<TSpec, TFacts, TPlan> run) => apply(run.Shell, run.Plan));

        /// <summary>
        /// The same loop for a step whose apply needs more than the plan: what it emits is built from the spec or the
        /// facts too (a handover to the next cmdlet), or differs when nothing changed.
        /// </summary>
        protected void Step<TSpec, TFacts, TPlan>(object target, Func<TSpec> validate, Func<HostShell, TSpec, TFacts> probe,
            Func<TSpec, TFacts, HostShell, TPlan> plan, Func<TPlan, IEnumerable<Change>> changes, Action<StepRun<TSpec, TFacts, TPlan>> apply)
        {
            Guard(target, () =>
            {
                var spec = validate();
                var shell = OpenShell();
                var facts = probe(shell, spec);
                var p = plan(spec, facts, shell);
                var list = new List<Change>(changes(p) ?? new Change[0]);
                // Not everything approved (-WhatIf, or No under -Confirm): nothing applied and nothing emitted, so the
                // next cmdlet of a pipeline does not act on it.
                if (list.Count > 0 && !ShouldProcessChanges(list, shell.Where)) return;
                apply(new StepRun<TSpec, TFacts, TPlan>(spec, facts, p, shell, list.Count > 0));
            });
        }
    }

    /// <summary>One step as it is applied: the validated spec, what the probe saw, the plan, the host, and whether the
    /// plan changes anything (then every change was approved).</summary>
    public sealed class StepRun<TSpec, TFacts, TPlan>
    {
        public StepRun(TSpec spec, TFacts facts, TPlan plan, HostShell shell, bool changes)
        {
            Spec = spec; Facts = facts; Plan = plan; Shell = shell; Changes = changes;
        }

        public TSpec Spec { get; }
        public TFacts Facts { get; }
        public TPlan Plan { get; }
        public HostShell Shell { get; }
        public bool Changes { get; }
    }
}
