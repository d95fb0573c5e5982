using FakeCri.Behaviors;
using FakeCri.Cri.V1;
using FakeCri.Runtime.Internal;

namespace FakeCri.Runtime;

public sealed partial class EmulatedRuntime
{
    /// <summary>CPU an idle emulated process uses, in nano-cores (one millicore).</summary>
    public const ulong IdleNanoCoresPerProcess = 1_000_000;

    private const ulong PauseMemoryBytes = 300 * 1024;

    /// <summary>
    /// CRI <c>ContainerStats</c>: CPU, memory and writable-layer usage that evolve with the runtime's clock (CPU
    /// grows while the container runs; memory follows the image and the files written). A container without a
    /// live process fails as containerd's does.
    /// </summary>
    public ContainerStatsResponse ContainerStats(ContainerStatsRequest request)
    {
        lock (_gate)
        {
            var container = FindContainer(request.ContainerId, "failed to find container", notFoundIsNull: false)!;
            if (container.State != ContainerState.ContainerRunning)
            {
                throw CriException.Unknown("failed to decode container metrics: unexpected metrics response: []");
            }

            return new ContainerStatsResponse { Stats = StatsOf(container) };
        }
    }

    /// <summary>CRI <c>ListContainerStats</c>: every container; those not running carry only attributes and their writable layer.</summary>
    public ListContainerStatsResponse ListContainerStats(ListContainerStatsRequest request)
    {
        var response = new ListContainerStatsResponse();
        lock (_gate)
        {
            var filter = request.Filter is { } f
                ? new ContainerFilter { Id = f.Id, PodSandboxId = f.PodSandboxId, LabelSelector = { f.LabelSelector } }
                : null;
            foreach (var container in SelectContainers(filter))
            {
                response.Stats.Add(StatsOf(container));
            }
        }

        return response;
    }

    /// <summary>CRI <c>PodSandboxStats</c>: pod-level CPU, memory, network and processes plus its containers' stats.</summary>
    public PodSandboxStatsResponse PodSandboxStats(PodSandboxStatsRequest request)
    {
        lock (_gate)
        {
            var sandbox = FindSandbox(request.PodSandboxId, "an error occurred when trying to find sandbox", notFoundIsNull: false)!;
            if (sandbox.State != PodSandboxState.SandboxReady)
            {
                throw new CriException(
                    Grpc.Core.StatusCode.Unavailable,
                    $"failed to decode pod sandbox metrics {request.PodSandboxId}: failed to get pod sandbox stats since sandbox container \"{sandbox.Id}\" is not in ready state: unavailable");
            }

            return new PodSandboxStatsResponse { Stats = StatsOf(sandbox) };
        }
    }

    /// <summary>CRI <c>ListPodSandboxStats</c>: READY sandboxes, filtered by ID (prefix) and labels.</summary>
    public ListPodSandboxStatsResponse ListPodSandboxStats(ListPodSandboxStatsRequest request)
    {
        var response = new ListPodSandboxStatsResponse();
        lock (_gate)
        {
            var filter = new PodSandboxFilter
            {
                Id = request.Filter?.Id ?? string.Empty,
                State = new PodSandboxStateValue { State = PodSandboxState.SandboxReady },
            };
            if (request.Filter is not null)
            {
                filter.LabelSelector.Add(request.Filter.LabelSelector);
            }

            foreach (var sandbox in SelectSandboxes(filter))
            {
                response.Stats.Add(StatsOf(sandbox));
            }
        }

        return response;
    }

    /// <summary>CRI <c>ListMetricDescriptors</c>: the cAdvisor-style metrics ListPodSandboxMetrics reports.</summary>
    public ListMetricDescriptorsResponse ListMetricDescriptors(ListMetricDescriptorsRequest request)
    {
        var response = new ListMetricDescriptorsResponse();
        foreach (var (name, help, _, network) in MetricCatalog)
        {
            var descriptor = new MetricDescriptor { Name = name, Help = help, LabelKeys = { "pod", "namespace", "container", "id", "image" } };
            if (network)
            {
                descriptor.LabelKeys.Add("interface");
            }

            response.Descriptors.Add(descriptor);
        }

        return response;
    }

    /// <summary>CRI <c>ListPodSandboxMetrics</c>: per READY sandbox, pod-level and per-container metrics.</summary>
    public ListPodSandboxMetricsResponse ListPodSandboxMetrics(ListPodSandboxMetricsRequest request)
    {
        var response = new ListPodSandboxMetricsResponse();
        lock (_gate)
        {
            var now = NowNanos();
            foreach (var sandbox in _sandboxes)
            {
                if (sandbox.State != PodSandboxState.SandboxReady)
                {
                    continue;
                }

                var stats = StatsOf(sandbox);
                var pod = sandbox.Config.Metadata;
                var metrics = new PodSandboxMetrics { PodSandboxId = sandbox.Id };
                metrics.Metrics.Add(Metric("container_cpu_usage_seconds_total", MetricType.Counter, now,
                    stats.Linux.Cpu.UsageCoreNanoSeconds.Value / 1_000_000_000, pod.Name, pod.Namespace, string.Empty, sandbox.Id, string.Empty));
                metrics.Metrics.Add(Metric("container_memory_working_set_bytes", MetricType.Gauge, now,
                    stats.Linux.Memory.WorkingSetBytes.Value, pod.Name, pod.Namespace, string.Empty, sandbox.Id, string.Empty));
                if (stats.Linux.Network is { } network)
                {
                    metrics.Metrics.Add(Metric("container_network_receive_bytes_total", MetricType.Counter, now,
                        network.DefaultInterface.RxBytes.Value, pod.Name, pod.Namespace, string.Empty, sandbox.Id, string.Empty, "eth0"));
                    metrics.Metrics.Add(Metric("container_network_transmit_bytes_total", MetricType.Counter, now,
                        network.DefaultInterface.TxBytes.Value, pod.Name, pod.Namespace, string.Empty, sandbox.Id, string.Empty, "eth0"));
                }

                foreach (var containerStats in stats.Linux.Containers)
                {
                    var id = containerStats.Attributes.Id;
                    if (!_containers.TryGet(id, out var container))
                    {
                        continue;
                    }

                    var name = container.Config.Metadata.Name;
                    var image = container.Config.Image.Image;
                    var perContainer = new ContainerMetrics { ContainerId = id };
                    if (containerStats.Cpu is { } cpu)
                    {
                        perContainer.Metrics.Add(Metric("container_cpu_usage_seconds_total", MetricType.Counter, now,
                            cpu.UsageCoreNanoSeconds.Value / 1_000_000_000, pod.Name, pod.Namespace, name, id, image));
                    }

                    if (containerStats.Memory is { } memory)
                    {
                        perContainer.Metrics.Add(Metric("container_memory_working_set_bytes", MetricType.Gauge, now,
                            memory.WorkingSetBytes.Value, pod.Name, pod.Namespace, name, id, image));
                    }

                    perContainer.Metrics.Add(Metric("container_fs_usage_bytes", MetricType.Gauge, now,
                        containerStats.WritableLayer.UsedBytes.Value, pod.Name, pod.Namespace, name, id, image));
                    perContainer.Metrics.Add(Metric("container_processes", MetricType.Gauge, now,
                        (ulong)container.Context.Processes.Snapshot().Count, pod.Name, pod.Namespace, name, id, image));
                    perContainer.Metrics.Add(Metric("container_start_time_seconds", MetricType.Gauge, now,
                        (ulong)(container.StartedAt / 1_000_000_000), pod.Name, pod.Namespace, name, id, image));
                    metrics.ContainerMetrics.Add(perContainer);
                }

                response.PodMetrics.Add(metrics);
            }
        }

        return response;
    }

    /// <summary>
    /// Sets the CPU rate and/or memory working set a container reports from now on (stats and metrics); the
    /// cumulative CPU counter keeps what it had and grows at the new rate. Also settable per container with the
    /// annotations <c>fakecri.io/cpu-nanocores</c> and <c>fakecri.io/memory-working-set-bytes</c>.
    /// </summary>
    /// <exception cref="CriException">NOT_FOUND for an unknown container.</exception>
    public void SetContainerUsage(string containerId, ContainerUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        lock (_gate)
        {
            var container = FindContainer(containerId, "failed to find container", notFoundIsNull: false)!;
            var now = NowNanos();
            container.CpuBase = (CpuNanos(container, now), now);
            container.Usage = usage;
        }
    }

    private ulong CpuNanos(StoredContainer container, long now)
    {
        if (container.StartedAt == 0)
        {
            return 0;
        }

        var end = container.FinishedAt != 0 ? container.FinishedAt : now;
        var (accumulated, since) = container.CpuBase;
        var from = Math.Max(since, container.StartedAt);
        var elapsed = (ulong)Math.Max(0, end - from);
        return accumulated + (ulong)((UInt128)elapsed * NanoCoresOf(container) / 1_000_000_000);
    }

    private ulong NanoCoresOf(StoredContainer container) =>
        container.Usage?.NanoCores
        ?? (container.Config.Annotations.TryGetValue(ContainerBehavior.AnnotationPrefix + "cpu-nanocores", out var text) && ulong.TryParse(text, out var annotated)
            ? annotated
            : IdleNanoCoresPerProcess * (ulong)Math.Max(1, container.Context.Processes.Snapshot().Count));

    private static readonly (string Name, string Help, MetricType Type, bool Network)[] MetricCatalog =
    [
        ("container_cpu_usage_seconds_total", "Cumulative cpu time consumed in seconds.", MetricType.Counter, false),
        ("container_memory_working_set_bytes", "Current working set in bytes.", MetricType.Gauge, false),
        ("container_network_receive_bytes_total", "Cumulative count of bytes received.", MetricType.Counter, true),
        ("container_network_transmit_bytes_total", "Cumulative count of bytes transmitted.", MetricType.Counter, true),
        ("container_fs_usage_bytes", "Number of bytes that are consumed by the container on this filesystem.", MetricType.Gauge, false),
        ("container_processes", "Number of processes running inside the container.", MetricType.Gauge, false),
        ("container_start_time_seconds", "Start time of the container since unix epoch in seconds.", MetricType.Gauge, false),
    ];

    private static Metric Metric(string name, MetricType type, long timestamp, ulong value, params string[] labels) => new()
    {
        Name = name,
        Timestamp = timestamp,
        MetricType = type,
        Value = new UInt64Value { Value = value },
        LabelValues = { labels },
    };

    private Cri.V1.ContainerStats StatsOf(StoredContainer container)
    {
        var now = NowNanos();
        var stats = new Cri.V1.ContainerStats
        {
            Attributes = new ContainerAttributes
            {
                Id = container.Id,
                Metadata = container.Config.Metadata.Clone(),
                Labels = { container.Config.Labels },
                Annotations = { container.Config.Annotations },
            },
            WritableLayer = new FilesystemUsage
            {
                Timestamp = now,
                FsId = new FilesystemIdentifier { Mountpoint = ImageFilesystemMountpoint },
                UsedBytes = new UInt64Value { Value = 4096 + (ulong)container.Context.FileSystem.WrittenBytes },
                InodesUsed = new UInt64Value { Value = 1 + (ulong)container.Context.FileSystem.Snapshot().Count(n => n.Content is not null) },
            },
        };
        if (container.State != ContainerState.ContainerRunning)
        {
            return stats;
        }

        var processes = (ulong)Math.Max(1, container.Context.Processes.Snapshot().Count);
        var running = (ulong)Math.Max(0, now - container.StartedAt);
        var workingSet = container.Usage?.WorkingSetBytes
            ?? (container.Config.Annotations.TryGetValue(ContainerBehavior.AnnotationPrefix + "memory-working-set-bytes", out var memoryText) && ulong.TryParse(memoryText, out var memory)
                ? memory
                : container.BaseMemoryBytes + (ulong)container.Context.FileSystem.WrittenBytes + ((processes - 1) * 256 * 1024));
        var limit = (ulong)Math.Max(0, container.Resources.MemoryLimitInBytes);
        stats.Cpu = new CpuUsage
        {
            Timestamp = now,
            UsageCoreNanoSeconds = new UInt64Value { Value = CpuNanos(container, now) },
            UsageNanoCores = new UInt64Value { Value = NanoCoresOf(container) },
        };
        stats.Memory = new MemoryUsage
        {
            Timestamp = now,
            WorkingSetBytes = new UInt64Value { Value = workingSet },
            AvailableBytes = new UInt64Value { Value = limit > workingSet ? limit - workingSet : 0 },
            UsageBytes = new UInt64Value { Value = workingSet + (512 * 1024) },
            RssBytes = new UInt64Value { Value = workingSet * 3 / 4 },
            PageFaults = new UInt64Value { Value = 1000 + (running / 100_000_000) },
            MajorPageFaults = new UInt64Value { Value = 0 },
        };
        return stats;
    }

    private PodSandboxStats StatsOf(StoredSandbox sandbox)
    {
        var now = NowNanos();
        var containers = sandbox.ContainerIds.Select(id => _containers.TryGet(id, out var c) ? c : null).OfType<StoredContainer>()
            .Select(StatsOf).ToList();
        var running = (ulong)Math.Max(0, now - sandbox.CreatedAt);
        var pauseCpu = running / 10_000; // the pause process: a tenth of a millicore
        var linux = new LinuxPodSandboxStats
        {
            Cpu = new CpuUsage
            {
                Timestamp = now,
                UsageCoreNanoSeconds = new UInt64Value { Value = pauseCpu + (ulong)containers.Sum(c => (decimal)(c.Cpu?.UsageCoreNanoSeconds.Value ?? 0)) },
                UsageNanoCores = new UInt64Value { Value = 100_000 + (ulong)containers.Sum(c => (decimal)(c.Cpu?.UsageNanoCores.Value ?? 0)) },
            },
            Memory = new MemoryUsage
            {
                Timestamp = now,
                WorkingSetBytes = new UInt64Value { Value = PauseMemoryBytes + (ulong)containers.Sum(c => (decimal)(c.Memory?.WorkingSetBytes.Value ?? 0)) },
                UsageBytes = new UInt64Value { Value = PauseMemoryBytes + (ulong)containers.Sum(c => (decimal)(c.Memory?.UsageBytes.Value ?? 0)) },
                RssBytes = new UInt64Value { Value = PauseMemoryBytes + (ulong)containers.Sum(c => (decimal)(c.Memory?.RssBytes.Value ?? 0)) },
                AvailableBytes = new UInt64Value { Value = 0 },
                PageFaults = new UInt64Value { Value = 100 + (ulong)containers.Sum(c => (decimal)(c.Memory?.PageFaults.Value ?? 0)) },
                MajorPageFaults = new UInt64Value { Value = 0 },
            },
            Process = new ProcessUsage
            {
                Timestamp = now,
                ProcessCount = new UInt64Value
                {
                    Value = (ulong)sandbox.ContainerIds.Sum(id => _containers.TryGet(id, out var c) ? c.Context.Processes.Snapshot().Count : 0),
                },
            },
            Containers = { containers },
        };
        if (!sandbox.HostNetwork)
        {
            // A quiet pod: a few hundred bytes a second of DNS and health checks in each direction.
            var seconds = running / 1_000_000_000;
            var eth0 = new NetworkInterfaceUsage
            {
                Name = "eth0",
                RxBytes = new UInt64Value { Value = seconds * 320 },
                RxErrors = new UInt64Value { Value = 0 },
                TxBytes = new UInt64Value { Value = seconds * 180 },
                TxErrors = new UInt64Value { Value = 0 },
            };
            linux.Network = new NetworkUsage { Timestamp = now, DefaultInterface = eth0, Interfaces = { eth0.Clone() } };
        }

        return new PodSandboxStats
        {
            Attributes = new PodSandboxAttributes
            {
                Id = sandbox.Id,
                Metadata = sandbox.Config.Metadata.Clone(),
                Labels = { sandbox.Config.Labels },
                Annotations = { sandbox.Config.Annotations },
            },
            Linux = linux,
        };
    }
}
