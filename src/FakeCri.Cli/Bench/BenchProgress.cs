namespace FakeCri.Cli.Bench;

/// <summary>
/// Shows on stderr how far a phase is, twice a second: rewritten in place on a terminal, one line per update
/// otherwise (a CI log, a test reading the stream). stdout stays the report alone.
/// </summary>
internal sealed class BenchProgress : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly string _phase;
    private readonly int _total;
    private readonly Func<int> _done;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly bool _terminal = !Console.IsErrorRedirected;

    public BenchProgress(string phase, int total, Func<int> done)
    {
        _phase = phase;
        _total = total;
        _done = done;
        Console.Error.WriteLine($"bench: {phase}: {total} …");
        _loop = LoopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        if (_terminal)
        {
            Console.Error.WriteLine();
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                Show();
            }
        }
        catch (OperationCanceledException)
        {
        }

        Show();
    }

    private void Show()
    {
        var done = Math.Min(_done(), _total);
        var line = $"bench: {_phase}: {done}/{_total} ({(_total == 0 ? 100 : done * 100 / _total)}%)";
        if (_terminal)
        {
            Console.Error.Write("\r" + line);
        }
        else
        {
            Console.Error.WriteLine(line);
        }
    }
}
