using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using UberspaceFlask.Core;

namespace UberspaceFlask.Commands
{
    /// <summary>
    /// Runs one piece of work per host on worker threads, at most throttle at once, while the pipeline thread
    /// writes what they report (Write* is only allowed there) and each result as soon as its host is done.
    /// </summary>
    sealed class ParallelHosts
    {
        readonly BlockingCollection<Action> _pipeline = new BlockingCollection<Action>();

        /// <summary>A log for worker threads: every call is queued for the pipeline thread.</summary>
        internal IOperationLog LogFor(IOperationLog target) => new QueuedLog(this, target);

        internal void Post(Action action) => _pipeline.Add(action);

        /// <summary>Runs work for each item; onDone runs on the pipeline thread with the item and its result or failure.</summary>
        internal void Run<TItem, TResult>(IReadOnlyList<TItem> items, int throttle, CancellationToken cancellation,
            Func<TItem, TResult> work, Action<TItem, TResult, Exception> onDone)
        {
            if (items.Count == 0) return;
            using (var gate = new SemaphoreSlim(Math.Max(1, throttle)))
            {
                int pending = items.Count;
                foreach (var item in items)
                {
                    var it = item;
                    Task.Run(() =>
                    {
                        gate.Wait();
                        try
                        {
                            TResult r = default(TResult);
                            Exception error = null;
                            try { cancellation.ThrowIfCancellationRequested(); r = work(it); }
                            catch (Exception ex) { error = ex; }
                            _pipeline.Add(() => onDone(it, r, error));
                        }
                        finally
                        {
                            gate.Release();
                            if (Interlocked.Decrement(ref pending) == 0) _pipeline.Add(null);
                        }
                    });
                }
                // The pipeline thread: drain until every worker reported (a null marks the end).
                foreach (var action in _pipeline.GetConsumingEnumerable())
                {
                    if (action == null) break;
                    action();
                }
            }
        }

        sealed class QueuedLog : IOperationLog
        {
            readonly ParallelHosts _owner;
            readonly IOperationLog _target;
            public QueuedLog(ParallelHosts owner, IOperationLog target) { _owner = owner; _target = target; }
            public void Verbose(string message) => _owner.Post(() => _target.Verbose(message));
            public void Warning(string message) => _owner.Post(() => _target.Warning(message));
            public void Information(string message) => _owner.Post(() => _target.Information(message));
            public void Progress(string activity, string status, int percent) => _owner.Post(() => _target.Progress(activity, status, percent));
            public void ProgressDone(string activity) => _owner.Post(() => _target.ProgressDone(activity));
        }
    }
}
