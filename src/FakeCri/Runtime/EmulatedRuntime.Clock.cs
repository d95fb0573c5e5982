using FakeCri.Cri.V1;
using Microsoft.Extensions.Time.Testing;

namespace FakeCri.Runtime;

/// <summary>
/// Driving a virtual clock: when the runtime runs on a <see cref="FakeTimeProvider"/>, move time to the next thing
/// the emulation has scheduled, or until a condition holds.
/// </summary>
/// <remarks>
/// Visibility rule: a transition caused by a timer (a sleep ending, a grace period running out, a declared exit,
/// an injected crash) is visible when the advance that fires the timer returns. Work a client call starts is
/// visible once that call returns, but a timer it schedules exists only from the moment the call reaches it: await
/// <see cref="WhenTimerDueAsync"/> or <see cref="WhenTimerScheduledAsync"/> before advancing past it.
/// </remarks>
public sealed partial class EmulatedRuntime
{
    /// <summary>True when the runtime's clock is a <see cref="FakeTimeProvider"/> that tests (or the control API) move.</summary>
    public bool HasVirtualClock => _clock.Inner is FakeTimeProvider;

    /// <summary>When the earliest pending timer of the emulation falls due; null when nothing is scheduled.</summary>
    public DateTimeOffset? NextTimerDueAt => _clock.NextDue;

    /// <summary>Moves the virtual clock forward by <paramref name="by"/>, firing every timer due on the way.</summary>
    /// <exception cref="InvalidOperationException">The runtime's clock is not virtual.</exception>
    public void AdvanceClock(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        VirtualClock().Advance(by);
    }

    /// <summary>
    /// Moves the virtual clock to the earliest pending timer and fires it. Returns false (and leaves the clock) when
    /// nothing is scheduled.
    /// </summary>
    public async Task<bool> AdvanceToNextTimerAsync(CancellationToken cancellationToken = default)
    {
        var clock = VirtualClock();
        if (NextTimerDueAt is not { } due)
        {
            return false;
        }

        var step = due - clock.GetUtcNow();
        clock.Advance(step > TimeSpan.Zero ? step : TimeSpan.Zero);
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        return true;
    }

    /// <summary>
    /// Advances the virtual clock timer by timer until <paramref name="condition"/> holds, by at most
    /// <paramref name="limit"/>. Returns whether it held; when it never did, the clock ends exactly
    /// <paramref name="limit"/> later.
    /// </summary>
    public async Task<bool> AdvanceUntilAsync(Func<bool> condition, TimeSpan limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = VirtualClock();
        var deadline = clock.GetUtcNow() + limit;
        var standingStill = 0;
        while (!condition())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var now = clock.GetUtcNow();
            if (NextTimerDueAt is not { } due || due > deadline)
            {
                clock.Advance(deadline - now);
                await Task.Yield();
                return condition();
            }

            // Timers due now fire with a zero step; a timer that stays due would otherwise spin here forever.
            standingStill = due > now ? 0 : standingStill + 1;
            if (standingStill > 10_000)
            {
                throw new InvalidOperationException($"a timer due at {due:O} does not fire; the clock cannot move past it");
            }

            clock.Advance(due > now ? due - now : TimeSpan.Zero);
            await Task.Yield();
        }

        return true;
    }

    /// <summary>
    /// Advances the virtual clock until the container has exited, by at most <paramref name="limit"/>; returns its
    /// final view, or null when it was still not exited at the limit.
    /// </summary>
    public async Task<ContainerView?> AdvanceUntilExitedAsync(string containerId, TimeSpan limit, CancellationToken cancellationToken = default)
    {
        var exited = await AdvanceUntilAsync(() => GetContainer(containerId) is not { State: not ContainerState.ContainerExited }, limit, cancellationToken)
            .ConfigureAwait(false);
        return exited ? GetContainer(containerId) : null;
    }

    private FakeTimeProvider VirtualClock() => _clock.Inner as FakeTimeProvider
        ?? throw new InvalidOperationException(
            "the runtime's clock is not virtual: start the fake with FakeCriOptions.WithTimeProvider(new FakeTimeProvider()) (or fakecri serve --virtual-clock)");
}
