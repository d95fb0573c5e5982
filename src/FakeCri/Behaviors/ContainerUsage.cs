namespace FakeCri.Behaviors;

/// <summary>
/// Resource usage a test sets for a container, overriding the emulation's idle defaults in stats and metrics:
/// CPU as a rate (nano-cores; the cumulative counter grows with the runtime's clock at that rate from the moment
/// it is set) and the memory working set. Null leaves the default.
/// </summary>
/// <param name="NanoCores">CPU use, in nano-cores (1,000,000,000 = one full core).</param>
/// <param name="WorkingSetBytes">Memory working set, in bytes.</param>
public sealed record ContainerUsage(ulong? NanoCores = null, ulong? WorkingSetBytes = null);
