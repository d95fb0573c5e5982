namespace FakeCri.Benchmarks.Measurements;

/// <summary>Nearest-rank percentiles and medians of samples.</summary>
public static class Percentiles
{
    public static double Of(IReadOnlyCollection<double> samples, double percent)
    {
        var sorted = samples.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Max(0, (int)Math.Ceiling(percent / 100 * sorted.Length) - 1)];
    }

    public static double Median(IReadOnlyCollection<double> samples) => Of(samples, 50);
}
