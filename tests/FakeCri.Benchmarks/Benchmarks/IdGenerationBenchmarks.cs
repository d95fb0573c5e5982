using BenchmarkDotNet.Attributes;
using FakeCri.Runtime.Internal;

namespace FakeCri.Benchmarks.Benchmarks;

/// <summary>
/// The 64-hex sandbox and container IDs (32 seeded random bytes). <see cref="Guid.NewGuid"/> as text is the
/// baseline: the cheapest unique ID .NET offers, for scale.
/// </summary>
[MemoryDiagnoser]
public class IdGenerationBenchmarks
{
    private readonly SeededIdGenerator _ids = new(seed: 7);

    [Benchmark(Baseline = true)]
    public string GuidText() => Guid.NewGuid().ToString("N");

    [Benchmark]
    public string SeededId() => _ids.NextId();
}
