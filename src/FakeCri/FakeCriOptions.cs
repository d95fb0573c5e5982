using FakeCri.Cri.V1;
using Microsoft.Extensions.Logging;

namespace FakeCri;

/// <summary>
/// How a fake runtime is set up. Immutable: derive variants with <c>with</c> or the <c>With*</c> methods.
/// </summary>
public sealed record FakeCriOptions
{
    /// <summary>The defaults: systemd cgroups, the <c>runc</c> handler, the system clock, no network doors.</summary>
    public static FakeCriOptions Default { get; } = new();

    /// <summary>
    /// Where <see cref="FakeCriServer.StartAsync"/> listens. Ignored by
    /// <see cref="FakeCriServer.StartInProcessAsync"/>, which needs no sockets.
    /// </summary>
    public IReadOnlyList<FakeCriEndpoint> Listen { get; init; } = [];

    /// <summary>
    /// Named runtime handlers besides the default <c>""</c> one, as a containerd config lists runtimes.
    /// <c>Status</c> reports <c>""</c> plus these, sorted by name.
    /// </summary>
    public IReadOnlyList<string> RuntimeHandlers { get; init; } = ["runc"];

    /// <summary>The cgroup driver reported by the <c>RuntimeConfig</c> call (kubelet reads it at start-up).</summary>
    public CgroupDriver CgroupDriver { get; init; } = CgroupDriver.Systemd;

    /// <summary>The clock behind every timestamp. Pass a <c>FakeTimeProvider</c> for virtual time.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the fake's logs go; none when null.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Adds listen endpoints.</summary>
    public FakeCriOptions WithListen(params FakeCriEndpoint[] endpoints) => this with { Listen = [.. Listen, .. endpoints] };

    /// <summary>Replaces the named runtime handlers.</summary>
    public FakeCriOptions WithRuntimeHandlers(params string[] handlers) => this with { RuntimeHandlers = handlers };

    /// <summary>Uses the given clock.</summary>
    public FakeCriOptions WithTimeProvider(TimeProvider timeProvider) => this with { TimeProvider = timeProvider };

    /// <summary>Sends logs to the given factory.</summary>
    public FakeCriOptions WithLoggerFactory(ILoggerFactory loggerFactory) => this with { LoggerFactory = loggerFactory };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    internal void Validate()
    {
        foreach (var handler in RuntimeHandlers)
        {
            if (string.IsNullOrWhiteSpace(handler))
            {
                throw new ArgumentException(
                    "runtime handler names must not be empty: the default handler \"\" is always present",
                    nameof(RuntimeHandlers));
            }
        }

        if (RuntimeHandlers.Distinct(StringComparer.Ordinal).Count() != RuntimeHandlers.Count)
        {
            throw new ArgumentException("runtime handler names must be unique", nameof(RuntimeHandlers));
        }

        if (!Enum.IsDefined(CgroupDriver))
        {
            throw new ArgumentException($"unknown cgroup driver {(int)CgroupDriver}", nameof(CgroupDriver));
        }
    }
}
