namespace FakeCri.Cli.Bench;

/// <summary>What a run measured: per-operation latencies and each phase's wall time.</summary>
internal sealed record BenchResult(
    BenchSettings Settings,
    IReadOnlyList<OperationStats> Operations,
    double PodSeconds,
    double ContainerSeconds)
{
    public double PodLifecyclesPerSecond => Rate(Settings.Pods, PodSeconds);

    public double ContainerLifecyclesPerSecond => Rate(Settings.Containers, ContainerSeconds);

    private static double Rate(int count, double seconds) => count == 0 || seconds <= 0 ? 0 : count / seconds;
}
