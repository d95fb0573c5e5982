using Microsoft.Extensions.Time.Testing;

namespace MiniKubelet.Tests;

/// <summary>Moving a virtual clock under a running <see cref="PodWorker"/> without racing it.</summary>
internal static class VirtualTime
{
    /// <summary>
    /// Moves the clock from one wake-up of the worker to the next until its status satisfies
    /// <paramref name="condition"/>, and returns that status. Each step waits until the worker has published what
    /// it saw at the current instant: it does so only once its next wake-up is on the clock, so the advance
    /// cannot overtake it. The fake's timers due on the way (a crash, a script's sleep) fire inside the advance.
    /// </summary>
    /// <remarks>
    /// Not for a worker held in a call that itself waits on the clock, such as a StopContainer's grace period:
    /// advance through that one explicitly (see TerminationTests).
    /// </remarks>
    public static async Task<PodStatusSnapshot> AdvanceUntilAsync(
        this FakeTimeProvider clock,
        PodWorker worker,
        Func<PodStatusSnapshot, bool> condition,
        TimeSpan limit,
        CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow() + limit;
        while (true)
        {
            var now = clock.GetUtcNow();
            var status = await worker.WhenAsync(s => s.ObservedAt == now, cancellationToken);
            if (condition(status))
            {
                return status;
            }

            if (status.NextSyncAt is not { } next)
            {
                Assert.Fail($"the worker stopped before the condition held; its last status: {Describe(status)}");
            }
            else if (next > deadline)
            {
                Assert.Fail($"the condition did not hold within {limit}; the last status: {Describe(status)}");
            }
            else
            {
                clock.Advance(next - now);
            }
        }
    }

    private static string Describe(PodStatusSnapshot status) =>
        $"{status.Phase}, " + string.Join(", ", status.InitContainers.Concat(status.Containers)
            .Select(c => $"{c.Name}: {c.State} (restarts {c.RestartCount}, ready {c.Ready})"));
}
