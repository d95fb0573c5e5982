using FakeCri.Processes;
using Microsoft.Extensions.Time.Testing;

namespace FakeCri.Tests.Processes;

/// <summary>A process's sleeps: ended by the time passing, by a signal, or by SIGKILL of it or of an ancestor.</summary>
public sealed class EmulatedProcessTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task DelayAsync_ForeverThenSignalled_ReturnsFalseAndTheSignalIsPending()
    {
        var process = new ProcessTable().Spawn(["top"], null, 0);
        var delay = process.DelayAsync(null, _clock);

        process.Signal(Signals.Terminate);

        Assert.False(await delay.WaitAsync(TestContext.Current.CancellationToken));
        Assert.True(process.TakeSignal(out var signal));
        Assert.Equal(Signals.Terminate, signal);
    }

    [Fact]
    public async Task DelayAsync_SignalAlreadyPending_ReturnsAtOnce()
    {
        var process = new ProcessTable().Spawn(["top"], null, 0);
        process.Signal(Signals.Hangup);

        Assert.False(await process.DelayAsync(null, _clock));
        Assert.False(await process.DelayAsync(TimeSpan.FromHours(1), _clock)); // still pending: not taken yet
    }

    [Fact]
    public async Task DelayAsync_TimePasses_ReturnsTrue()
    {
        var process = new ProcessTable().Spawn(["sleep"], null, 0);
        var delay = process.DelayAsync(TimeSpan.FromSeconds(5), _clock);

        _clock.Advance(TimeSpan.FromSeconds(5));

        Assert.True(await delay.WaitAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task DelayAsync_KilledWhileSleepingForever_Throws()
    {
        var process = new ProcessTable().Spawn(["top"], null, 0);
        var delay = process.DelayAsync(null, _clock);

        process.Signal(Signals.Kill);

        await Assert.ThrowsAsync<OperationCanceledException>(() => delay.WaitAsync(TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<OperationCanceledException>(() => process.DelayAsync(TimeSpan.FromSeconds(1), _clock));
    }

    [Fact]
    public async Task DelayAsync_AncestorKilledAfterSignalsAndSleeps_Throws()
    {
        var table = new ProcessTable();
        var shell = table.Spawn(["sh"], null, 0);
        var child = table.Spawn(["sleep"], shell, 0);
        for (var i = 0; i < 3; i++)
        {
            var signalled = child.DelayAsync(null, _clock);
            child.Signal(Signals.WindowChange);
            Assert.False(await signalled.WaitAsync(TestContext.Current.CancellationToken));
            Assert.True(child.TakeSignal(out _));
        }

        var delay = child.DelayAsync(TimeSpan.FromDays(1), _clock);
        shell.Signal(Signals.Kill);

        await Assert.ThrowsAsync<OperationCanceledException>(() => delay.WaitAsync(TestContext.Current.CancellationToken));
        Assert.True(child.Killed.IsCancellationRequested);
    }

    [Fact]
    public async Task DelayAsync_SignalAfterKill_StillKilled()
    {
        var process = new ProcessTable().Spawn(["top"], null, 0);
        var delay = process.DelayAsync(null, _clock);
        process.Signal(Signals.Kill);
        process.Signal(Signals.Terminate);

        await Assert.ThrowsAsync<OperationCanceledException>(() => delay.WaitAsync(TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<OperationCanceledException>(() => process.DelayAsync(null, _clock));
    }
}
