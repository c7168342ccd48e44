using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using UberspaceFlask.Core;
using UberspaceFlask.Core.Host;

namespace UberspaceFlask.Commands
{
    /// <summary>
    /// What every cmdlet shares: a transport, Ctrl+C that stops the command on the host, verbose and progress
    /// reporting from the core, and the mapping of core failures to ErrorRecords with stable ErrorIds.
    /// </summary>
    public abstract class UberspaceCmdlet : PSCmdlet
    {
        readonly CancellationTokenSource _stop = new CancellationTokenSource();
        readonly Dictionary<string, int> _activityIds = new Dictionary<string, int>();
        IHostTransport _local;

        protected CancellationToken Cancellation => _stop.Token;

        protected override void StopProcessing() => _stop.Cancel();

        protected override void EndProcessing()
        {
            _local?.Dispose();
            _local = null;
        }

        /// <summary>The shell for this record's target host: the session's, or the local machine.</summary>
        protected HostShell OpenShell(UberspaceSession session)
        {
            if (session != null)
            {
                if (!session.IsConnected)
                    throw HostErrors.SessionClosed($"The session {session} is closed or its connection was lost. Open a new one with New-UberspaceSession.", session);
                return new HostShell(session.Transport, new CmdletLog(this), Cancellation);
            }
            if (_local == null) _local = new LocalTransport();
            return new HostShell(_local, new CmdletLog(this), Cancellation);
        }

        /// <summary>A shell for a worker thread: what the core reports is queued for the pipeline thread.</summary>
        internal HostShell OpenShell(UberspaceSession session, ParallelHosts workers)
        {
            var shell = OpenShell(session);
            return new HostShell(shell.Transport, workers.LogFor(new CmdletLog(this)), Cancellation);
        }

        /// <summary>
        /// The step contract on many hosts at once (Publish-FlaskApp; the spec is validated once, before): each host is
        /// probed and planned on a worker thread, at most throttle at once; ShouldProcess is asked on the pipeline
        /// thread for every change of every host; the approved hosts are applied in parallel, each result emitted as
        /// soon as its host is done. A host's failure is that host's error (failureId for one that is not the core's);
        /// the others go on.
        /// </summary>
        internal void StepOnHosts<TSpec, TFacts, TPlan, TResult>(IReadOnlyList<UberspaceSession> hosts, int throttle, TSpec spec,
            Func<HostShell, TSpec, TFacts> probe, Func<TSpec, TFacts, UberspaceSession, TPlan> plan, Func<TPlan, IEnumerable<Change>> changes,
            Func<HostShell, TPlan, TResult> apply, Action<UberspaceSession, TResult> emit, string failureId)
        {
            var workers = new ParallelHosts();
            var approved = new List<(UberspaceSession Session, HostShell Shell, TPlan Plan)>();
            void Report(Exception error, UberspaceSession session)
            {
                if (error is UberspaceException ux) { WriteError(ToHostErrorRecord(ux, session)); return; }
                if (error is OperationCanceledException && Cancellation.IsCancellationRequested) throw new PipelineStoppedException();
                WriteError(new ErrorRecord(error, failureId, ErrorCategory.NotSpecified, (object)session ?? "local"));
            }
            workers.Run(hosts, throttle, Cancellation, s =>
            {
                var shell = OpenShell(s, workers);
                return (Shell: shell, Plan: plan(spec, probe(shell, spec), s));
            }, (s, r, error) =>
            {
                if (error != null) { Report(error, s); return; }
                var list = new List<Change>(changes(r.Plan) ?? new Change[0]);
                if (list.Count == 0 || ShouldProcessChanges(list, r.Shell.Where)) approved.Add((s, r.Shell, r.Plan));
            });
            workers.Run(approved, throttle, Cancellation, a => apply(a.Shell, a.Plan), (a, result, error) =>
            {
                if (error != null) { Report(error, a.Session); return; }
                emit(a.Session, result);
            });
        }

        protected string ResolveLocalPath(string path) =>
            path == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

        protected bool IsBound(string parameterName) => MyInvocation.BoundParameters.ContainsKey(parameterName);

        /// <summary>Runs one record's work; a core failure becomes a non-terminating error with its ErrorId.</summary>
        protected void Guard(object target, Action action)
        {
            try
            {
                action();
            }
            catch (UberspaceException ex)
            {
                WriteError(ToErrorRecord(ex, target));
            }
            catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        protected ErrorRecord ToErrorRecord(UberspaceException ex, object target)
        {
            return new ErrorRecord(ex, ex.ErrorId, Category(ex.Kind), ex.Target ?? target);
        }

        /// <summary>An error whose target is the host it happened on (the session, or "local"), for cmdlets that act on many.</summary>
        protected ErrorRecord ToHostErrorRecord(UberspaceException ex, UberspaceSession session) =>
            new ErrorRecord(ex, ex.ErrorId, Category(ex.Kind), (object)session ?? "local");

        static ErrorCategory Category(FailureKind kind)
        {
            switch (kind)
            {
                case FailureKind.InvalidArgument: return ErrorCategory.InvalidArgument;
                case FailureKind.InvalidData: return ErrorCategory.InvalidData;
                case FailureKind.ObjectNotFound: return ErrorCategory.ObjectNotFound;
                case FailureKind.ResourceExists: return ErrorCategory.ResourceExists;
                case FailureKind.ResourceUnavailable: return ErrorCategory.ResourceUnavailable;
                case FailureKind.NotInstalled: return ErrorCategory.NotInstalled;
                case FailureKind.OperationTimeout: return ErrorCategory.OperationTimeout;
                case FailureKind.SecurityError: return ErrorCategory.SecurityError;
                case FailureKind.ConnectionError: return ErrorCategory.ConnectionError;
                case FailureKind.OperationStopped: return ErrorCategory.OperationStopped;
                default: return ErrorCategory.InvalidOperation;
            }
        }

        /// <summary>
        /// The step contract's one question: ShouldProcess once per change of the plan, in the same words in every
        /// cmdlet. Every change is asked about (so -WhatIf lists them all); the step goes ahead only when all were approved.
        /// </summary>
        protected bool ShouldProcessChanges(IEnumerable<Change> changes, string where)
        {
            bool all = true;
            foreach (var c in changes)
                if (!ShouldProcess($"{where}: {c.Target}", c.Action)) all = false;
            if (!all) WriteVerbose($"Nothing was changed on {where}: not every change was approved.");
            return all;
        }

        // The core's log, as an adapter rather than an interface of the cmdlet: PowerShell scans the exported
        // types before the module's load context exists, so they must not name core types.
        sealed class CmdletLog : IOperationLog
        {
            readonly UberspaceCmdlet _cmdlet;
            public CmdletLog(UberspaceCmdlet cmdlet) { _cmdlet = cmdlet; }
            public void Verbose(string message) => _cmdlet.WriteVerbose(message);
            public void Warning(string message) => _cmdlet.WriteWarning(message);
            public void Information(string message) => _cmdlet.WriteInformation(message, new[] { "UberspaceFlask" });
            public void Progress(string activity, string status, int percent) =>
                _cmdlet.WriteProgress(new ProgressRecord(_cmdlet.ActivityId(activity), activity, status) { PercentComplete = percent });
            public void ProgressDone(string activity) =>
                _cmdlet.WriteProgress(new ProgressRecord(_cmdlet.ActivityId(activity), activity, "Done") { RecordType = ProgressRecordType.Completed });
        }

        int ActivityId(string activity)
        {
            if (!_activityIds.TryGetValue(activity, out int id))
                _activityIds[activity] = id = _activityIds.Count + 1;
            return id;
        }
    }
}
