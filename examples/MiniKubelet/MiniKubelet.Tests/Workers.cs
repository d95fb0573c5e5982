using FakeCri;
using FakeCri.Cri.V1;

namespace MiniKubelet.Tests;

/// <summary>Wiring a <see cref="PodWorker"/> to a fake the way kubelet is wired to its runtime.</summary>
internal static class Workers
{
    /// <summary>
    /// A worker on the fake's direct door (generated clients, no HTTP) and on the fake's own clock.
    /// <c>cri.Runtime.Clock</c> is the test's <c>FakeTimeProvider</c> as the fake sees it: timers made through it
    /// are the ones <c>cri.Runtime.WhenTimerDueAsync</c> and <c>NextTimerDueAt</c> know about, so the worker's
    /// back-off timers can be awaited exactly like the fake's own.
    /// </summary>
    public static PodWorker For(FakeCriServer cri, PodWorkerOptions? options = null) => new(
        new RuntimeService.RuntimeServiceClient(cri.DirectCallInvoker),
        new ImageService.ImageServiceClient(cri.DirectCallInvoker),
        cri.Runtime.Clock,
        options);
}
