using System.Diagnostics;

namespace FakeCri.Cli.Bench;

/// <summary>Latency percentiles of one operation over every client of a run, in microseconds.</summary>
internal sealed record OperationStats(BenchOperation Operation, int Calls, double P50, double P90, double P99, double Mean, double Max)
{
    /// <summary>The name a report shows: the RPC's own name, or <c>pod lifecycle</c> / <c>container lifecycle</c>.</summary>
    public string Name => Operation switch
    {
        BenchOperation.PodLifecycle => "pod lifecycle",
        BenchOperation.ContainerLifecycle => "container lifecycle",
        _ => Operation.ToString(),
    };

    /// <summary>Nearest-rank percentiles of every client's samples; null when nothing was measured.</summary>
    public static OperationStats? From(BenchOperation operation, IEnumerable<LatencyLog> logs)
    {
        var samples = logs.SelectMany(log => log.Of(operation)).Order().ToArray();
        if (samples.Length == 0)
        {
            return null;
        }

        return new OperationStats(
            operation,
            samples.Length,
            Micros(Percentile(samples, 50)),
            Micros(Percentile(samples, 90)),
            Micros(Percentile(samples, 99)),
            Micros(samples.Average(s => (double)s)),
            Micros(samples[^1]));
    }

    private static long Percentile(long[] sorted, int percent) =>
        sorted[Math.Max(0, (int)Math.Ceiling(percent / 100.0 * sorted.Length) - 1)];

    private static double Micros(double ticks) => ticks * 1_000_000 / Stopwatch.Frequency;
}
