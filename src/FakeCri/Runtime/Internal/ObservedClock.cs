namespace FakeCri.Runtime.Internal;

/// <summary>
/// The runtime's clock: the user's <see cref="TimeProvider"/>, plus a record of the timers the emulation has
/// scheduled on it, so a test on a virtual clock can wait until, say, a stop's grace period is pending before it
/// advances time. Every sleep, timeout and grace period of the emulation goes through here.
/// </summary>
internal sealed class ObservedClock : TimeProvider
{
    private readonly TimeProvider _inner;
    private readonly Lock _gate = new();
    private readonly List<DateTimeOffset> _pending = [];
    private readonly List<(Func<DateTimeOffset, bool> Match, TaskCompletionSource Signal)> _waiters = [];

    public ObservedClock(TimeProvider inner)
    {
        _inner = inner;
    }

    public TimeProvider Inner => _inner;

    public override DateTimeOffset GetUtcNow() => _inner.GetUtcNow();

    public override long GetTimestamp() => _inner.GetTimestamp();

    public override long TimestampFrequency => _inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => _inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var entry = new ObservedTimer(this);
        entry.Inner = _inner.CreateTimer(
            s =>
            {
                entry.Fired();

                // A virtual clock fires timers on the thread that advances it, often a test's, with its
                // synchronization context. The emulation's continuations must not queue onto that context (the
                // test may be waiting for them), so they run as on a plain timer thread.
                var context = SynchronizationContext.Current;
                SynchronizationContext.SetSynchronizationContext(null);
                try
                {
                    callback(s);
                }
                finally
                {
                    SynchronizationContext.SetSynchronizationContext(context);
                }
            },
            state,
            dueTime,
            period);
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            entry.Track(GetUtcNow() + dueTime);
        }

        return entry;
    }

    /// <summary>The earliest due time of a pending timer; null when none is pending.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count == 0 ? null : _pending.Min();
            }
        }
    }

    /// <summary>Completes once a timer due at a time matching <paramref name="due"/> is pending.</summary>
    public Task WhenScheduledAsync(Func<DateTimeOffset, bool> due, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_pending.Any(due))
            {
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((due, waiter));
            cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken));
            return waiter.Task;
        }
    }

    private void Add(DateTimeOffset dueAt)
    {
        List<TaskCompletionSource> ready;
        lock (_gate)
        {
            _pending.Add(dueAt);
            ready = _waiters.Where(w => w.Match(dueAt)).Select(w => w.Signal).ToList();
            _waiters.RemoveAll(w => w.Match(dueAt));
        }

        foreach (var waiter in ready)
        {
            waiter.TrySetResult();
        }
    }

    private void Remove(DateTimeOffset dueAt)
    {
        lock (_gate)
        {
            _pending.Remove(dueAt);
        }
    }

    private sealed class ObservedTimer : ITimer
    {
        private readonly ObservedClock _clock;
        private DateTimeOffset? _dueAt;

        public ObservedTimer(ObservedClock clock)
        {
            _clock = clock;
        }

        public ITimer Inner { get; set; } = null!;

        public void Track(DateTimeOffset dueAt)
        {
            lock (this)
            {
                _dueAt = dueAt;
            }

            _clock.Add(dueAt);
        }

        public void Fired() => Untrack();

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Untrack();
            var changed = Inner.Change(dueTime, period);
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                Track(_clock.GetUtcNow() + dueTime);
            }

            return changed;
        }

        public void Dispose()
        {
            Untrack();
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Untrack();
            return Inner.DisposeAsync();
        }

        private void Untrack()
        {
            DateTimeOffset? due;
            lock (this)
            {
                due = _dueAt;
                _dueAt = null;
            }

            if (due is { } at)
            {
                _clock.Remove(at);
            }
        }
    }
}
