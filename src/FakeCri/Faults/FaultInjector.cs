using FakeCri.Cri.V1;
using FakeCri.Journal;
using FakeCri.Runtime;
using Grpc.Core;

namespace FakeCri.Faults;

/// <summary>
/// Breaks the fake on purpose: failing or slow CRI calls, seeded chaos, runtime conditions, container crashes and
/// OOM kills at a given time. Every fault that shapes a call, and every one injected outside a call, shows in the
/// <see cref="CallJournal"/>. <see cref="Clear"/> undoes all of them.
/// </summary>
/// <example>
/// <code>
/// cri.Faults.FailNext("PullImage", StatusCode.Unavailable, "registry down", times: 2);
/// cri.Faults.Delay("CreateContainer", TimeSpan.FromSeconds(3), new FaultMatch { PodName = "web" });
/// cri.Faults.CrashContainer(containerId, exitCode: 2, after: TimeSpan.FromSeconds(30));
/// </code>
/// </example>
public sealed class FaultInjector
{
    private static readonly HashSet<string> CriMethods = new(
        RuntimeService.Descriptor.Methods.Concat(ImageService.Descriptor.Methods).Select(m => m.Name),
        StringComparer.Ordinal);

    private readonly Lock _gate = new();
    private readonly EmulatedRuntime _runtime;
    private readonly CallJournal _journal;
    private readonly int _seed;
    private readonly List<(FaultRule Rule, int? Remaining)> _rules = [];
    private CancellationTokenSource _scheduled = new();
    private Random _random;
    private int _nextId = 1;

    internal FaultInjector(EmulatedRuntime runtime, CallJournal journal, int seed)
    {
        _runtime = runtime;
        _journal = journal;
        _seed = seed;
        _random = new Random(seed);
    }

    /// <summary>The rules in force, in the order they apply.</summary>
    public IReadOnlyList<FaultRule> Rules
    {
        get
        {
            lock (_gate)
            {
                return [.. _rules.Select(r => r.Remaining is { } left ? r.Rule with { Times = left } : r.Rule)];
            }
        }
    }

    /// <summary>Makes the next <paramref name="times"/> calls of <paramref name="method"/> fail with a status.</summary>
    public FaultRule FailNext(string method, StatusCode code, string message, int times = 1) =>
        Add(new FaultRule { Method = method, Kind = FaultKind.Fail, Code = code, Message = message, Times = times });

    /// <summary>
    /// Makes calls of <paramref name="method"/> (<c>*</c>: every RPC) that match fail with a status, until removed
    /// or <paramref name="times"/> calls have failed.
    /// </summary>
    public FaultRule Fail(string method, StatusCode code, string message, FaultMatch? match = null, Func<FaultCall, bool>? when = null, int? times = null) =>
        Add(new FaultRule { Method = method, Kind = FaultKind.Fail, Code = code, Message = message, Match = match ?? new(), When = when, Times = times });

    /// <summary>
    /// Makes matching calls of <paramref name="method"/> wait <paramref name="latency"/> on the runtime's clock
    /// before they proceed (on a virtual clock: until a test advances it).
    /// </summary>
    public FaultRule Delay(string method, TimeSpan latency, FaultMatch? match = null, Func<FaultCall, bool>? when = null, int? times = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latency, TimeSpan.Zero);
        return Add(new FaultRule { Method = method, Kind = FaultKind.Delay, Latency = latency, Match = match ?? new(), When = when, Times = times });
    }

    /// <summary>Makes pulls of <paramref name="image"/> (any reference form) take <paramref name="latency"/>.</summary>
    public FaultRule SlowPull(string image, TimeSpan latency) =>
        Delay(nameof(ImageService.ImageServiceClient.PullImage), latency, new FaultMatch { Image = image });

    /// <summary>
    /// Makes pulls of <paramref name="image"/> fail, by default as containerd reports a reference the registry
    /// does not know (<c>NOT_FOUND</c>).
    /// </summary>
    public FaultRule FailPull(string image, StatusCode code = StatusCode.NotFound, string? message = null, int? times = null)
    {
        var normalized = Images.ImageReference.TryParse(image, out var reference, out _) ? reference.ToString() : image;
        message ??= $"failed to pull and unpack image \"{normalized}\": failed to resolve reference \"{normalized}\": {normalized}: not found";
        return Fail(nameof(ImageService.ImageServiceClient.PullImage), code, message, new FaultMatch { Image = image }, times: times);
    }

    /// <summary>
    /// Seeded chaos: each matching call fails with probability <paramref name="probability"/>. The random sequence
    /// starts from <paramref name="seed"/> (default: the fake's seed), so the same calls fail on every run.
    /// </summary>
    public FaultRule Chaos(double probability, string method = FaultRule.AnyMethod, StatusCode code = StatusCode.Unavailable, int? seed = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(probability, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(probability, 1);
        lock (_gate)
        {
            if (seed is { } chosen)
            {
                _random = new Random(chosen);
            }
        }

        return Add(new FaultRule
        {
            Method = method,
            Kind = FaultKind.Chaos,
            Code = code,
            Message = $"chaos: injected {code} failure",
            Probability = probability,
        });
    }

    /// <summary>Adds a rule built by hand (its <see cref="FaultRule.Id"/> is assigned here).</summary>
    /// <exception cref="ArgumentException">The method is not a CRI RPC, or the rule is incomplete.</exception>
    public FaultRule Add(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Method != FaultRule.AnyMethod && !CriMethods.Contains(rule.Method))
        {
            throw new ArgumentException($"fault rule: \"{rule.Method}\" is not a CRI RPC (e.g. PullImage, CreateContainer) or *", nameof(rule));
        }

        if (rule.Times is < 1)
        {
            throw new ArgumentException($"fault rule: times must be at least 1, not {rule.Times}", nameof(rule));
        }

        if (rule.Kind != FaultKind.Delay && rule.Code == StatusCode.OK)
        {
            throw new ArgumentException("fault rule: a failure needs a status code other than OK", nameof(rule));
        }

        lock (_gate)
        {
            var added = rule with { Id = _nextId++ };
            _rules.Add((added, added.Times));
            return added;
        }
    }

    /// <summary>Removes a rule; false when it is gone already (used up or cleared).</summary>
    public bool Remove(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return Remove(rule.Id);
    }

    /// <summary>Removes the rule with this ID; false when there is none.</summary>
    public bool Remove(int ruleId)
    {
        lock (_gate)
        {
            return _rules.RemoveAll(r => r.Rule.Id == ruleId) > 0;
        }
    }

    /// <summary>Reports RuntimeReady false (or true again) in <c>Status</c>.</summary>
    public void SetRuntimeReady(bool ready, string reason = "", string message = "") =>
        SetCondition(EmulatedRuntime.RuntimeReadyCondition, ready, reason, message);

    /// <summary>
    /// Reports NetworkReady false (or true again) in <c>Status</c>; while false, pods off the host network cannot
    /// start, as with containerd before a CNI config exists.
    /// </summary>
    public void SetNetworkReady(bool ready, string reason = "NetworkPluginNotReady", string message = "Network plugin returns error: cni plugin not initialized") =>
        SetCondition(EmulatedRuntime.NetworkReadyCondition, ready, ready ? string.Empty : reason, ready ? string.Empty : message);

    /// <summary>
    /// Crashes a running container with <paramref name="exitCode"/>, now or after <paramref name="after"/> on the
    /// runtime's clock.
    /// </summary>
    public void CrashContainer(string containerId, int exitCode = 1, TimeSpan after = default) =>
        Schedule(after, $"crash container {containerId} with exit code {exitCode}", () => _runtime.CrashContainer(containerId, exitCode));

    /// <summary>OOM-kills a running container (137, <c>OOMKilled</c>), now or after <paramref name="after"/>.</summary>
    public void OomKillContainer(string containerId, TimeSpan after = default) =>
        Schedule(after, $"OOM-kill container {containerId}", () => _runtime.OomKillContainer(containerId));

    /// <summary>Removes every rule, cancels scheduled crashes, restores the conditions and restarts chaos's random sequence.</summary>
    public void Clear()
    {
        CancellationTokenSource scheduled;
        lock (_gate)
        {
            _rules.Clear();
            _random = new Random(_seed);
            scheduled = _scheduled;
            _scheduled = new CancellationTokenSource();
        }

        scheduled.Cancel();
        scheduled.Dispose();
        _runtime.ResetConditions();
    }

    /// <summary>
    /// The faults that apply to one call, consuming a use of each: the total latency, and the failure (if any).
    /// </summary>
    /// <summary>
    /// Whether any rule is in force, read without the lock (a list's count is one int): calls check it first, so a
    /// fake without faults adds no lock to every call. A rule added while a call passes applies to that call or not,
    /// as if a moment earlier or later.
    /// </summary>
    internal bool HasRules => _rules.Count > 0;

    internal (TimeSpan Latency, FaultRule? Failure, IReadOnlyList<FaultRule> Applied) Decide(Func<FaultCall> describe)
    {
        lock (_gate)
        {
            if (_rules.Count == 0)
            {
                return (TimeSpan.Zero, null, []);
            }

            var call = describe();
            var latency = TimeSpan.Zero;
            FaultRule? failure = null;
            var applied = new List<FaultRule>();
            for (var i = 0; i < _rules.Count; i++)
            {
                var (rule, remaining) = _rules[i];
                if (!rule.Applies(call) || (rule.Kind != FaultKind.Delay && failure is not null))
                {
                    continue;
                }

                if (rule.Kind == FaultKind.Chaos && _random.NextDouble() >= rule.Probability)
                {
                    continue;
                }

                if (rule.Kind == FaultKind.Delay)
                {
                    latency += rule.Latency;
                }
                else
                {
                    failure = rule;
                }

                applied.Add(rule);
                if (remaining is { } left)
                {
                    if (left <= 1)
                    {
                        _rules.RemoveAt(i--);
                    }
                    else
                    {
                        _rules[i] = (rule, left - 1);
                    }
                }
            }

            return (latency, failure, applied);
        }
    }

    private void SetCondition(string type, bool ready, string reason, string message)
    {
        _runtime.SetCondition(type, ready, reason, message);
        _journal.RecordFault("SetCondition", _runtime.Clock.GetUtcNow(), $"{type}={(ready ? "true" : "false")} {reason} {message}".TrimEnd());
    }

    private void Schedule(TimeSpan after, string description, Action inject)
    {
        if (after <= TimeSpan.Zero)
        {
            inject();
            _journal.RecordFault("Container", _runtime.Clock.GetUtcNow(), description);
            return;
        }

        CancellationToken token;
        lock (_gate)
        {
            token = _scheduled.Token;
        }

        _ = RunLaterAsync();

        async Task RunLaterAsync()
        {
            try
            {
                await Task.Delay(after, _runtime.Clock, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                inject();
                _journal.RecordFault("Container", _runtime.Clock.GetUtcNow(), description);
            }
            catch (CriException skipped)
            {
                _journal.RecordFault("Container", _runtime.Clock.GetUtcNow(), $"{description}: skipped, {skipped.Message}");
            }
        }
    }
}
