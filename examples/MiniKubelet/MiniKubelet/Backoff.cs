namespace MiniKubelet;

/// <summary>Exponential back-off: the first wait, doubled after each failure, never more than a cap.</summary>
internal static class Backoff
{
    /// <summary>The wait after <paramref name="failures"/> earlier failures: 0 → initial, 1 → 2×initial, …</summary>
    public static TimeSpan Delay(int failures, TimeSpan initial, TimeSpan max)
    {
        var delay = initial;
        for (var i = 0; i < failures && delay < max; i++)
        {
            delay *= 2;
        }

        return delay < max ? delay : max;
    }
}
