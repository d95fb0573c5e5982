using FakeCri.Cri.V1;
using FakeCri.Runtime;
using FakeCri.Runtime.Internal;
using Google.Protobuf.Collections;

namespace FakeCri.Tests.Runtime.Internal;

/// <summary>The label index behind list selectors: always the same answer, in the same order, as a scan.</summary>
public sealed class LabelIndexTests
{
    private static readonly string[] Keys = ["app", "tier", "role"];
    private static readonly string[] Values = ["a", "b", "c", ""];

    [Fact]
    public void Select_AfterAddsRemovesAndClear_SameAsScanInInsertionOrder()
    {
        var random = new Random(7);
        var index = new LabelIndex<Labelled>();
        var live = new List<Labelled>();
        for (var step = 0; step < 2_000; step++)
        {
            if (step == 1_000)
            {
                index.Clear();
                live.Clear();
            }

            if (live.Count > 0 && random.Next(3) == 0)
            {
                var gone = live[random.Next(live.Count)];
                index.Remove(gone, gone.Labels);
                live.Remove(gone);
            }
            else
            {
                var added = new Labelled(RandomLabels(random));
                index.Add(added, added.Labels);
                live.Add(added);
            }

            var selector = new MapField<string, string>();
            foreach (var (key, value) in RandomLabels(random).Take(random.Next(1, 3)))
            {
                selector[key] = value;
            }

            if (selector.Count == 0)
            {
                continue;
            }

            var scanned = live.Where(l => selector.All(s => l.Labels.TryGetValue(s.Key, out var v) && v == s.Value)).ToList();
            Assert.Equal(scanned, index.Select(selector));
        }
    }

    [Fact]
    public void Select_EmptySelector_NullSoTheCallerScans()
    {
        var index = new LabelIndex<Labelled>();
        index.Add(new Labelled(new Dictionary<string, string> { ["app"] = "a" }), new Dictionary<string, string> { ["app"] = "a" });

        Assert.Null(index.Select([]));
    }

    [Fact]
    public void ListContainers_LabelSelectorAfterCreateRemoveReset_SameAsScan()
    {
        var runtime = new EmulatedRuntime(FakeCriOptions.Default);
        AssertListsAgree(runtime);
        Fill(runtime, "first");
        AssertListsAgree(runtime);
        var containers = runtime.ListContainers(new ListContainersRequest()).Containers;
        runtime.RemoveContainer(new RemoveContainerRequest { ContainerId = containers[1].Id });
        runtime.RemoveContainer(new RemoveContainerRequest { ContainerId = containers[4].Id });
        runtime.RemovePodSandbox(new RemovePodSandboxRequest { PodSandboxId = containers[^1].PodSandboxId });
        AssertListsAgree(runtime);
        runtime.Reset();
        AssertListsAgree(runtime);
        Fill(runtime, "second");
        AssertListsAgree(runtime);
    }

    private static void Fill(EmulatedRuntime runtime, string prefix)
    {
        for (var p = 0; p < 4; p++)
        {
            var pod = runtime.SeedSandbox(SandboxSeed.For($"{prefix}{p}").WithLabel("tier", p % 2 == 0 ? "web" : "db"));
            for (var c = 0; c < 3; c++)
            {
                var seed = ContainerSeed.For(pod, $"c{c}");
                seed.Config.Labels["tier"] = p % 2 == 0 ? "web" : "db";
                seed.Config.Labels["role"] = c == 0 ? "main" : "sidecar";
                runtime.SeedContainer(c == 2 ? seed.Created() : seed);
            }
        }
    }

    private static void AssertListsAgree(EmulatedRuntime runtime)
    {
        var all = runtime.ListContainers(new ListContainersRequest()).Containers;
        var pods = runtime.ListPodSandbox(new ListPodSandboxRequest()).Items;
        MapField<string, string>[] selectors =
        [
            new() { ["tier"] = "web" },
            new() { ["tier"] = "db", ["role"] = "sidecar" },
            new() { ["role"] = "main" },
            new() { ["role"] = "nobody" },
        ];
        foreach (var selector in selectors)
        {
            foreach (var state in new ContainerStateValue?[] { null, new() { State = ContainerState.ContainerCreated } })
            {
                var filter = new ContainerFilter { LabelSelector = { selector }, State = state };
                var scanned = all.Where(c => Carries(c.Labels, selector) && (state is null || c.State == state.State)).Select(c => c.Id);
                Assert.Equal(scanned, runtime.ListContainers(new ListContainersRequest { Filter = filter }).Containers.Select(c => c.Id));
            }
        }

        foreach (var tier in new[] { "web", "db", "none" })
        {
            var podSelector = new MapField<string, string> { ["tier"] = tier };
            Assert.Equal(
                pods.Where(p => Carries(p.Labels, podSelector)).Select(p => p.Id),
                runtime.ListPodSandbox(new ListPodSandboxRequest { Filter = new PodSandboxFilter { LabelSelector = { podSelector } } }).Items.Select(p => p.Id));
        }
    }

    private static bool Carries(MapField<string, string> labels, MapField<string, string> selector) =>
        selector.All(s => labels.TryGetValue(s.Key, out var v) && v == s.Value);

    private static Dictionary<string, string> RandomLabels(Random random)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in Keys)
        {
            if (random.Next(4) > 0)
            {
                labels[key] = Values[random.Next(Values.Length)];
            }
        }

        return labels;
    }

    private sealed class Labelled(Dictionary<string, string> labels)
    {
        public Dictionary<string, string> Labels { get; } = labels;
    }
}
