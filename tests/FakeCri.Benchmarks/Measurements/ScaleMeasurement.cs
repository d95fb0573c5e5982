using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using FakeCri.Benchmarks.Hosting;
using FakeCri.Cri.V1;
using FakeCri.Images;
using FakeCri.Runtime.Internal;

namespace FakeCri.Benchmarks.Measurements;

/// <summary>
/// <c>scale</c>: one fake filled through the direct invoker with kubelet-like sandboxes and running containers
/// (default 10,000 × 10), and an empty fake beside it. Reports managed memory per object, the latency of
/// RunPodSandbox, CreateContainer and ContainerStatus on the full fake ÷ the empty one (rounds alternate
/// between the two; median of the per-round ratios), and ListContainers filtered by sandbox and by label.
/// </summary>
public static class ScaleMeasurement
{
    private const string GcPause = "gc pause per call";
    private const string Gen0 = "gen0 per 1,000 calls";
    private const string Gen1 = "gen1 per 1,000 calls";

    public static async Task<int> RunAsync(string[] arguments)
    {
        var args = new MeasurementArgs(arguments);
        var pods = args.Int("--pods", 10_000);
        var perPod = args.Int("--containers-per-pod", 10);
        var rounds = args.Int("--rounds", 7);
        var samples = args.Int("--samples", 200);
        var listCalls = args.Int("--list-calls", 50);
        var profileCalls = args.Int("--profile-calls", 0);

        await using var empty = await FakeCriServer.StartInProcessAsync();
        await using var full = await FakeCriServer.StartInProcessAsync();
        var emptyClient = new RuntimeService.RuntimeServiceClient(empty.DirectCallInvoker);
        var fullClient = new RuntimeService.RuntimeServiceClient(full.DirectCallInvoker);
        foreach (var cri in new[] { empty, full })
        {
            await new ImageService.ImageServiceClient(cri.DirectCallInvoker).PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = "nginx" } });
        }

        // Warm the code paths on the empty fake first, so the fill and the first round run optimised code.
        await MeasureRoundAsync(emptyClient, "warm", samples);

        // The requests this program keeps (to create each pod's containers) are made before the baseline, so that
        // they are not counted as the fake's memory (they were: ~2.5 KiB of the figure per sandbox). The sandbox
        // IDs it keeps still are (~0.15 KiB per sandbox).
        var configs = new PodSandboxConfig[pods];
        for (var p = 0; p < pods; p++)
        {
            configs[p] = KubeletRequests.Pod($"pod-{p}", $"ns-{p % 10}", app: $"app-{p % 100}");
        }

        var sandboxes = new List<(string Id, PodSandboxConfig Config)>(pods);
        full.Journal.Clear();
        var before = Heap();
        var fill = Stopwatch.StartNew();
        foreach (var config in configs)
        {
            sandboxes.Add(((await fullClient.RunPodSandboxAsync(new RunPodSandboxRequest { Config = config })).PodSandboxId, config));
        }

        full.Journal.Clear();
        var afterPods = Heap();
        foreach (var (podId, config) in sandboxes)
        {
            for (var c = 0; c < perPod; c++)
            {
                var id = (await fullClient.CreateContainerAsync(KubeletRequests.Container(podId, config, $"c{c}", image: "nginx", top: false))).ContainerId;
                await fullClient.StartContainerAsync(new StartContainerRequest { ContainerId = id });
            }
        }

        fill.Stop();
        var withJournal = Heap();
        full.Journal.Clear();
        var afterContainers = Heap();
        var containers = pods * perPod;

        Console.WriteLine($"scale: {pods:N0} sandboxes, {containers:N0} running containers (kubelet-like: labels, annotations, 3 mounts, env, security context); filled in {fill.Elapsed.TotalSeconds:F1} s through the direct invoker");
        Console.WriteLine();
        Console.WriteLine("managed memory (GC heap after a full blocking collection, journal cleared)");
        Console.WriteLine($"  per sandbox (no containers)        {Kib((afterPods - before) / (double)pods),10}");
        Console.WriteLine($"  per container (own)                {Kib((afterContainers - afterPods) / (double)containers),10}");
        Console.WriteLine($"  per container (+ its sandbox share) {Kib((afterContainers - before) / (double)containers),9}");
        Console.WriteLine($"  journal at capacity (10,000 calls) {Mib(withJournal - afterContainers),10}   (bounded; not in the figures above)");
        Console.WriteLine($"  total heap                          {Mib(afterContainers),9}   process working set {Mib(Environment.WorkingSet),9}");
        var (contextPart, configPart) = PartsOfAContainer();
        Console.WriteLine($"  of a container: its emulated context (files, env, users; not what its sandbox's containers share) {Kib(contextPart)}; its stored config {Kib(configPart)}");
        Console.WriteLine();

        var ratios = new Dictionary<string, List<double>> { ["RunPodSandbox"] = [], ["CreateContainer"] = [], ["ContainerStatus"] = [] };
        var emptyMedians = ratios.Keys.ToDictionary(k => k, _ => new List<double>());
        var fullMedians = ratios.Keys.ToDictionary(k => k, _ => new List<double>());
        var emptyGc = new[] { GcPause, Gen0, Gen1 }.ToDictionary(k => k, _ => new List<double>());
        var fullGc = emptyGc.Keys.ToDictionary(k => k, _ => new List<double>());
        for (var round = 0; round < rounds; round++)
        {
            // Alternate which fake goes first, so drift in the machine's speed hits both alike.
            var emptyFirst = round % 2 == 0;
            var first = await MeasureRoundAsync(emptyFirst ? emptyClient : fullClient, $"r{round}a", samples);
            var second = await MeasureRoundAsync(emptyFirst ? fullClient : emptyClient, $"r{round}b", samples);
            var (e, f) = emptyFirst ? (first, second) : (second, first);
            foreach (var name in ratios.Keys)
            {
                emptyMedians[name].Add(e[name]);
                fullMedians[name].Add(f[name]);
                ratios[name].Add(f[name] / e[name]);
            }

            foreach (var name in emptyGc.Keys)
            {
                emptyGc[name].Add(e[name]);
                fullGc[name].Add(f[name]);
            }
        }

        Console.WriteLine($"latency at {pods:N0}/{containers:N0} vs empty (direct invoker; {rounds} rounds of {samples} calls each, alternating; medians)");
        Console.WriteLine($"  {"RPC",-16} {"empty p50",12} {"full p50",12} {"full ÷ empty",14}");
        foreach (var name in ratios.Keys)
        {
            Console.WriteLine($"  {name,-16} {Us(Percentiles.Median(emptyMedians[name])),12} {Us(Percentiles.Median(fullMedians[name])),12} {Percentiles.Median(ratios[name]),14:F2}");
        }

        // What the garbage collector adds at size: the heap's 100,000 live containers make each collection dearer.
        Console.WriteLine($"  {"GC pause per call",-24} {Us(Percentiles.Median(emptyGc[GcPause])),12} {Us(Percentiles.Median(fullGc[GcPause])),12}");
        Console.WriteLine($"  {"gen0 / gen1 per 1,000",-24} {Percentiles.Median(emptyGc[Gen0]),6:F1} / {Percentiles.Median(emptyGc[Gen1]),3:F1} {Percentiles.Median(fullGc[Gen0]),6:F1} / {Percentiles.Median(fullGc[Gen1]),3:F1}");

        if (profileCalls > 0)
        {
            // For a sampling profiler (dotnet-trace): the same pod lifecycles on each fake, in methods of their own,
            // so the profile can compare where RunPodSandbox's time goes at size and empty.
            await ProfileFullAsync(fullClient, profileCalls);
            await ProfileEmptyAsync(emptyClient, profileCalls);
        }

        Console.WriteLine();
        var middle = sandboxes[pods / 2];
        var byPod = new ListContainersRequest { Filter = new ContainerFilter { PodSandboxId = middle.Id } };
        var byUid = new ListContainersRequest { Filter = new ContainerFilter { LabelSelector = { ["io.kubernetes.pod.uid"] = middle.Config.Metadata.Uid } } };
        var byNamespace = new ListContainersRequest { Filter = new ContainerFilter { LabelSelector = { ["io.kubernetes.pod.namespace"] = "ns-3" } } };
        Console.WriteLine($"ListContainers at {containers:N0} containers (median of {listCalls} calls; runtime = in-process call, direct = through the direct invoker)");
        Console.WriteLine($"  {"filter",-42} {"matches",8} {"runtime",12} {"direct",12}   of the runtime call: GC pause, gen0/gen1/gen2 collections");
        foreach (var (name, request) in new[] { ("pod_sandbox_id", byPod), ("label io.kubernetes.pod.uid (one pod)", byUid), ("label io.kubernetes.pod.namespace (1/10)", byNamespace) })
        {
            var matches = full.Runtime.ListContainers(request).Containers.Count;
            // Where a large answer's time goes: the collections that run while it is built, promoting what is built so far.
            var pausedBefore = GC.GetTotalPauseDuration();
            var collectionsBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            var runtime = Time(listCalls, () => full.Runtime.ListContainers(request));
            var paused = (GC.GetTotalPauseDuration() - pausedBefore).TotalMicroseconds / listCalls;
            var gc = string.Create(
                CultureInfo.InvariantCulture,
                $"{(GC.CollectionCount(0) - collectionsBefore.Item1) / (double)listCalls:F1}/{(GC.CollectionCount(1) - collectionsBefore.Item2) / (double)listCalls:F1}/{(GC.CollectionCount(2) - collectionsBefore.Item3) / (double)listCalls:F1}");
            var direct = await TimeAsync(listCalls, () => fullClient.ListContainersAsync(request).ResponseAsync);
            Console.WriteLine($"  {name,-42} {matches,8:N0} {Us(runtime),12} {Us(direct),12}   {Us(paused),10} {gc}");
        }

        GC.KeepAlive(sandboxes);
        return 0;
    }

    /// <summary>
    /// What two parts of a stored container hold, measured alone and built as CreateContainer builds them: the
    /// context (its file system over the files the sandbox's containers share, which are built once here), and the
    /// stored config (values pooled, the rest kept as bytes).
    /// </summary>
    private static (double Context, double Config) PartsOfAContainer()
    {
        const int Count = 20_000;
        var pod = KubeletRequests.Pod("parts");
        var request = KubeletRequests.Container(new string('a', 64), pod, "app", image: "nginx", top: false);
        var nginx = ImageCatalog.BuiltIn.Find(ImageReference.Parse("nginx"))!;
        var pool = new ValuePool();
        var sandboxFiles = new SandboxFiles();
        var held = new List<object>(Count);
        var before = Heap();
        for (var i = 0; i < Count; i++)
        {
            var copy = request.Config.Clone();
            pool.ShareParts(copy);
            held.Add(ContainerSetup.Create(copy, pod, "127.88.0.2", nginx, new LinuxContainerUser(), TimeProvider.System, sandboxFiles: sandboxFiles, pool: pool));
        }

        var afterContext = Heap();
        held.Clear();
        var cleared = Heap();
        for (var i = 0; i < Count; i++)
        {
            var copy = request.Config.Clone();
            pool.ShareParts(copy);
            held.Add(new StoredContainerConfig(copy));
        }

        var afterConfig = Heap();
        GC.KeepAlive(held);
        return ((afterContext - before) / (double)Count, (afterConfig - cleared) / (double)Count);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Task ProfileFullAsync(RuntimeService.RuntimeServiceClient client, int calls) => PodLifecyclesAsync(client, "profile-full", calls);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Task ProfileEmptyAsync(RuntimeService.RuntimeServiceClient client, int calls) => PodLifecyclesAsync(client, "profile-empty", calls);

    private static async Task PodLifecyclesAsync(RuntimeService.RuntimeServiceClient client, string tag, int calls)
    {
        for (var i = 0; i < calls; i++)
        {
            var id = (await client.RunPodSandboxAsync(new RunPodSandboxRequest { Config = KubeletRequests.Pod($"{tag}-{i}", "profiling") })).PodSandboxId;
            await client.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = id });
            await client.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = id });
        }
    }

    /// <summary>One round: <paramref name="count"/> RunPodSandbox, CreateContainer and ContainerStatus calls, timed one by one; the objects are removed after.</summary>
    private static async Task<Dictionary<string, double>> MeasureRoundAsync(RuntimeService.RuntimeServiceClient client, string tag, int count)
    {
        var run = new List<double>(count);
        var create = new List<double>(count);
        var status = new List<double>(count);
        var made = new List<string>(count);
        var pausedBefore = GC.GetTotalPauseDuration();
        var gen0Before = GC.CollectionCount(0);
        var gen1Before = GC.CollectionCount(1);
        for (var i = 0; i < count; i++)
        {
            var config = KubeletRequests.Pod($"sample-{tag}-{i}", "sampling");
            var started = Stopwatch.GetTimestamp();
            var podId = (await client.RunPodSandboxAsync(new RunPodSandboxRequest { Config = config })).PodSandboxId;
            run.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
            made.Add(podId);

            var request = KubeletRequests.Container(podId, config, "app", image: "nginx", top: false);
            started = Stopwatch.GetTimestamp();
            var id = (await client.CreateContainerAsync(request)).ContainerId;
            create.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
            await client.StartContainerAsync(new StartContainerRequest { ContainerId = id });

            started = Stopwatch.GetTimestamp();
            await client.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id });
            status.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        }

        // Calls per round: 3 timed + StartContainer. The pause and collections are for the whole round.
        var pausedPerCall = (GC.GetTotalPauseDuration() - pausedBefore).TotalMicroseconds / (count * 4);
        var gen0PerThousand = (GC.CollectionCount(0) - gen0Before) * 1000.0 / (count * 4);
        var gen1PerThousand = (GC.CollectionCount(1) - gen1Before) * 1000.0 / (count * 4);
        foreach (var podId in made)
        {
            await client.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = podId });
            await client.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = podId });
        }

        return new()
        {
            ["RunPodSandbox"] = Percentiles.Median(run),
            ["CreateContainer"] = Percentiles.Median(create),
            ["ContainerStatus"] = Percentiles.Median(status),
            [GcPause] = pausedPerCall,
            [Gen0] = gen0PerThousand,
            [Gen1] = gen1PerThousand,
        };
    }

    private static double Time(int calls, Action call)
    {
        var samples = new List<double>(calls);
        for (var i = 0; i < calls; i++)
        {
            var started = Stopwatch.GetTimestamp();
            call();
            samples.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        }

        return Percentiles.Median(samples);
    }

    private static async Task<double> TimeAsync(int calls, Func<Task> call)
    {
        var samples = new List<double>(calls);
        for (var i = 0; i < calls; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await call();
            samples.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        }

        return Percentiles.Median(samples);
    }

    private static long Heap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }

    private static string Kib(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024:F2} KiB");

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024:F1} MiB");

    private static string Us(double micros) => micros >= 1000
        ? string.Create(CultureInfo.InvariantCulture, $"{micros / 1000:F2} ms")
        : string.Create(CultureInfo.InvariantCulture, $"{micros:F1} µs");
}
