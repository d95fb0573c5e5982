using System.Globalization;
using Grpc.Core;

namespace FakeCri.Faults;

/// <summary>
/// One injected fault on CRI calls: which RPC (or <c>*</c> for all), which calls of it, what happens to them and
/// how many times. Immutable; <see cref="FaultInjector"/> counts the remaining uses.
/// </summary>
public sealed record FaultRule
{
    /// <summary>The method name that matches every CRI RPC.</summary>
    public const string AnyMethod = "*";

    /// <summary>The rule's number, unique within one fake; used to remove it.</summary>
    public int Id { get; init; }

    /// <summary>The RPC's short name (<c>PullImage</c>), or <see cref="AnyMethod"/>.</summary>
    public string Method { get; init; } = AnyMethod;

    /// <summary>What the rule does.</summary>
    public FaultKind Kind { get; init; }

    /// <summary>The status a failing call ends with.</summary>
    public StatusCode Code { get; init; } = StatusCode.Unavailable;

    /// <summary>The status message a failing call ends with.</summary>
    public string Message { get; init; } = string.Empty;

    /// <summary>How long a delayed call waits, on the runtime's clock.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>For <see cref="FaultKind.Chaos"/>: the chance, from 0 to 1, that a matching call fails.</summary>
    public double Probability { get; init; }

    /// <summary>How many matching calls the rule applies to; null for every one until removed.</summary>
    public int? Times { get; init; }

    /// <summary>Which calls the rule applies to, as data.</summary>
    public FaultMatch Match { get; init; } = new();

    /// <summary>A further condition in code (not shown over the control API); null for none.</summary>
    public Func<FaultCall, bool>? When { get; init; }

    /// <summary>A one-line description, as the journal and <c>fakecri fault list</c> show it.</summary>
    public string Description
    {
        get
        {
            var what = Kind switch
            {
                FaultKind.Fail => $"fail with {Code} \"{Message}\"",
                FaultKind.Delay => $"delay {FormatDuration(Latency)}",
                _ => $"fail with {Code} \"{Message}\" at probability {Probability.ToString("0.###", CultureInfo.InvariantCulture)}",
            };
            var scope = Method == AnyMethod ? "every call" : Method;
            var match = Match.IsEmpty ? string.Empty : $" ({Match})";
            var when = When is null ? string.Empty : " (when a condition in code holds)";
            var times = Times is { } n ? $" ×{n}" : string.Empty;
            return $"#{Id} {what}: {scope}{match}{when}{times}";
        }
    }

    /// <summary>Whether the rule applies to <paramref name="call"/> (ignoring how many uses are left).</summary>
    public bool Applies(FaultCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return (Method == AnyMethod || Method == call.Method) && Match.Matches(call) && (When?.Invoke(call) ?? true);
    }

    private static string FormatDuration(TimeSpan duration) =>
        duration.TotalSeconds >= 1 && duration.Milliseconds == 0
            ? duration.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + "s"
            : duration.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + "ms";
}
