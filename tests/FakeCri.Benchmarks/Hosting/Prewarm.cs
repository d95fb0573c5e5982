using System.Diagnostics;
using FakeCri.Benchmarks.Benchmarks;
using FakeCri.Cri.V1;

namespace FakeCri.Benchmarks.Hosting;

/// <summary>
/// For in-process runs (<c>--inProcess</c>), which measure every benchmark in one process one after another:
/// drives fake and floor lifecycles on every door until the shared code (client, HTTP/2, Kestrel, TestHost,
/// direct invoker, runtime) is fully tiered up. Without it the first benchmark of each group — the floor, declared
/// first — pays for JIT and tiering that the fake's benchmark then gets for free, and ratios come out below 1.
/// </summary>
public static class Prewarm
{
    public static async Task RunAsync(TimeSpan perDoor)
    {
        foreach (var door in Enum.GetValues<Door>())
        {
            await using var fake = await CriTarget.StartFakeAsync(door);
            await using var floor = await CriTarget.StartFloorAsync(door, CannedResponses.Instance);
            var runtime = fake.Fake!.Runtime;
            runtime.SeedImage("busybox");
            var pod = KubeletRequests.Pod("prewarm-containers");
            var create = KubeletRequests.Container(runtime.RunPodSandbox(new RunPodSandboxRequest { Config = pod }).PodSandboxId, pod, "app");
            var run = new RunPodSandboxRequest { Config = KubeletRequests.Pod("prewarm") };
            var started = Stopwatch.StartNew();
            var lifecycles = 0;
            while (started.Elapsed < perDoor)
            {
                foreach (var target in new[] { floor, fake })
                {
                    await LifecycleBenchmarks.PodLifecycleAsync(target.Runtime, run);
                    await LifecycleBenchmarks.ContainerLifecycleAsync(target.Runtime, create);
                }

                lifecycles++;
            }

            Console.Error.WriteLine($"FakeCri.Benchmarks: prewarmed {door}: {lifecycles} lifecycles of each kind on fake and floor");
        }
    }
}
