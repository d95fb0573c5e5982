using FakeCri.Behaviors;
using FakeCri.Cri.V1;
using FakeCri.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace FakeCri.Tests.Runtime;

/// <summary>Moving a virtual clock to what the emulation has scheduled, instead of guessing durations.</summary>
public sealed class VirtualClockTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AdvanceUntilExitedAsync_SleepingScript_ExitsAtItsVirtualTime()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithTimeProvider(_clock), Cancel);
        var start = _clock.GetUtcNow();
        var id = cri.Runtime.SeedContainer(ContainerSeed.For(cri.Runtime.SeedSandbox(SandboxSeed.For("p")), "job", "busybox", 0, "sh", "-c", "sleep 5; sleep 7; exit 4"));

        var exited = await cri.Runtime.AdvanceUntilExitedAsync(id, TimeSpan.FromMinutes(1), Cancel);

        Assert.Equal((ContainerState.ContainerExited, 4), (exited!.State, exited.ExitCode));
        Assert.Equal(start + TimeSpan.FromSeconds(12), exited.FinishedAt);
        Assert.Equal(start + TimeSpan.FromSeconds(12), _clock.GetUtcNow());
    }

    [Fact]
    public async Task AdvanceUntilAsync_ConditionNeverHolds_StopsExactlyAtTheLimit()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithTimeProvider(_clock), Cancel);
        var start = _clock.GetUtcNow();
        var id = cri.Runtime.SeedContainer(ContainerSeed.For(cri.Runtime.SeedSandbox(SandboxSeed.For("p")), "forever", "busybox", 0, "sleep", "infinity"));

        var exited = await cri.Runtime.AdvanceUntilExitedAsync(id, TimeSpan.FromHours(1), Cancel);

        Assert.Null(exited);
        Assert.Equal(start + TimeSpan.FromHours(1), _clock.GetUtcNow());
    }

    [Fact]
    public async Task AdvanceToNextTimerAsync_DeclaredExit_JumpsStraightToIt()
    {
        var options = FakeCriOptions.Default.WithTimeProvider(_clock).WithBehavior(ContainerBehavior.ForAll().RunsFor(TimeSpan.FromMinutes(3)).ThenExits(0));
        await using var cri = await FakeCriServer.StartInProcessAsync(options, Cancel);
        var id = cri.Runtime.SeedContainer(ContainerSeed.For(cri.Runtime.SeedSandbox(SandboxSeed.For("p")), "batch"));
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromMinutes(3), cri.Runtime.NextTimerDueAt);

        Assert.True(await cri.Runtime.AdvanceToNextTimerAsync(Cancel));

        Assert.Equal((ContainerState.ContainerExited, "Completed"), (cri.Runtime.GetContainer(id)!.State, cri.Runtime.GetContainer(id)!.Reason));
        Assert.False(await cri.Runtime.AdvanceToNextTimerAsync(Cancel));
    }

    [Fact]
    public async Task AdvanceClock_RealClock_InvalidOperationSayingHow()
    {
        await using var cri = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);

        var error = Assert.Throws<InvalidOperationException>(() => cri.Runtime.AdvanceClock(TimeSpan.FromSeconds(1)));

        Assert.False(cri.Runtime.HasVirtualClock);
        Assert.Contains("FakeTimeProvider", error.Message, StringComparison.Ordinal);
    }
}
