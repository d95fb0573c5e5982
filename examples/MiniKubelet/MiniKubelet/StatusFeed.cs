namespace MiniKubelet;

/// <summary>
/// The latest <see cref="PodStatusSnapshot"/>, and whoever waits for one that satisfies a condition. Waiting
/// replaces polling: a test awaits the status it expects instead of checking on a real-time loop.
/// </summary>
internal sealed class StatusFeed(PodStatusSnapshot initial)
{
    private readonly Lock _gate = new();
    private readonly List<(Func<PodStatusSnapshot, bool> Condition, TaskCompletionSource<PodStatusSnapshot> Signal)> _waiters = [];
    private PodStatusSnapshot _latest = initial;
    private Exception? _failure;

    public PodStatusSnapshot Latest
    {
        get
        {
            lock (_gate)
            {
                return _latest;
            }
        }
    }

    public void Publish(PodStatusSnapshot snapshot)
    {
        var satisfied = new List<TaskCompletionSource<PodStatusSnapshot>>();
        lock (_gate)
        {
            _latest = snapshot;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Condition(snapshot))
                {
                    satisfied.Add(_waiters[i].Signal);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var signal in satisfied)
        {
            signal.TrySetResult(snapshot);
        }
    }

    /// <summary>
    /// The worker stopped with an error: every waiter, now and later, gets it, so a test waiting for a status that
    /// will never come fails with the reason instead of hanging.
    /// </summary>
    public void Fail(Exception failure)
    {
        List<TaskCompletionSource<PodStatusSnapshot>> waiting;
        lock (_gate)
        {
            _failure = failure;
            waiting = [.. _waiters.Select(w => w.Signal)];
            _waiters.Clear();
        }

        foreach (var signal in waiting)
        {
            signal.TrySetException(failure);
        }
    }

    public Task<PodStatusSnapshot> WhenAsync(Func<PodStatusSnapshot, bool> condition, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (condition(_latest))
            {
                return Task.FromResult(_latest);
            }

            if (_failure is not null)
            {
                return Task.FromException<PodStatusSnapshot>(_failure);
            }

            // Continuations run on their own, not inside Publish: the worker must not run a test's code.
            var signal = new TaskCompletionSource<PodStatusSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((condition, signal));
            return signal.Task.WaitAsync(cancellationToken);
        }
    }
}
