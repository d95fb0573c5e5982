using System.Diagnostics;

namespace FakeCri.Cli.Bench;

/// <summary>
/// One client's measured latencies, per operation, in <see cref="Stopwatch"/> ticks. Each client keeps its own log,
/// so recording takes no lock; the logs are merged once the run is over.
/// </summary>
internal sealed class LatencyLog
{
    private readonly List<long>[] _ticks = [.. Enum.GetValues<BenchOperation>().Select(_ => new List<long>())];

    public void Record(BenchOperation operation, long ticks) => _ticks[(int)operation].Add(ticks);

    public IReadOnlyList<long> Of(BenchOperation operation) => _ticks[(int)operation];
}
