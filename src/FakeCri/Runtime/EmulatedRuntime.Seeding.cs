using FakeCri.Behaviors;
using FakeCri.Cri.V1;
using FakeCri.Images;
using FakeCri.Runtime.Internal;

namespace FakeCri.Runtime;

/// <summary>
/// State put in directly, without RPCs (and without events): images, sandboxes and containers in given states,
/// catalog entries and behaviours added while running; and <see cref="Reset"/>.
/// </summary>
public sealed partial class EmulatedRuntime
{
    // Seeding reuses the RPC code paths on this thread; while it does, events are not published (a runtime that
    // "already held" these objects has no events for them) and stopped sandboxes may receive containers.
    [ThreadStatic]
    private static bool _seeding;

    private ImageCatalog? _catalog;
    private List<ContainerBehavior>? _behaviors;

    /// <summary>The catalog pulls resolve against: the options' catalog plus images added with <see cref="AddToCatalog"/>.</summary>
    /// <remarks>Read without the runtime's lock (every RunPodSandbox and pull reads it): a catalog is immutable and
    /// <see cref="AddToCatalog"/> replaces it whole.</remarks>
    public ImageCatalog Catalog => Volatile.Read(ref _catalog) ?? _options.Images;

    /// <summary>The declared behaviours in force: the options' plus those added with <see cref="AddBehavior"/>.</summary>
    public IReadOnlyList<ContainerBehavior> Behaviors
    {
        get
        {
            lock (_gate)
            {
                return [.. CurrentBehaviors()];
            }
        }
    }

    /// <summary>Makes <paramref name="image"/> pullable (also in strict mode), without pulling it.</summary>
    public void AddToCatalog(CatalogImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        lock (_gate)
        {
            Volatile.Write(ref _catalog, (_catalog ?? _options.Images).With(image));
        }
    }

    /// <summary>Adds a behaviour for containers created from now on; earlier-added behaviours match first.</summary>
    public void AddBehavior(ContainerBehavior behavior)
    {
        ArgumentNullException.ThrowIfNull(behavior);
        lock (_gate)
        {
            (_behaviors ??= [.. _options.Behaviors]).Add(behavior);
        }
    }

    /// <summary>Drops the behaviours added while running, keeping the options' ones.</summary>
    public void ResetBehaviors()
    {
        lock (_gate)
        {
            _behaviors = null;
        }
    }

    /// <summary>
    /// Puts an image into the local store as if it had been pulled — from the catalog, or synthesised when the
    /// catalog lacks it, even in strict mode. Returns the image ID.
    /// </summary>
    /// <exception cref="ArgumentException">The reference does not parse.</exception>
    public string SeedImage(string reference)
    {
        if (!ImageReference.TryParse(reference, out var parsed, out var error))
        {
            throw new ArgumentException($"image \"{reference}\": {error}", nameof(reference));
        }

        var source = Catalog.Find(parsed) ?? ImageCatalog.Synthesize(parsed);
        lock (_gate)
        {
            return _images.Record(source, parsed, pinned: false).Id;
        }
    }

    /// <summary>Puts a sandbox into the runtime in the seed's state; returns its ID. No events are published.</summary>
    /// <exception cref="CriException">The config is invalid or its name is taken, as RunPodSandbox would say.</exception>
    public string SeedSandbox(SandboxSeed seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        return Seeding(() =>
        {
            var id = RunPodSandbox(new RunPodSandboxRequest { Config = seed.Config, RuntimeHandler = seed.RuntimeHandler }).PodSandboxId;
            lock (_gate)
            {
                _sandboxes.TryGet(id, out var sandbox);
                if (seed.CreatedAt is { } createdAt)
                {
                    sandbox!.CreatedAt = ToNanos(createdAt);
                }

                if (seed.State == PodSandboxState.SandboxNotready)
                {
                    sandbox!.State = PodSandboxState.SandboxNotready;
                    if (sandbox.Ip.Length > 0)
                    {
                        _ipam.Release(sandbox.Ip);
                        sandbox.Ip = string.Empty;
                    }
                }
            }

            return id;
        });
    }

    /// <summary>
    /// Puts a container into the runtime in the seed's state; returns its ID. The image is seeded when it is not
    /// local yet. A RUNNING seed starts its emulated process; no events are published for the seeding itself.
    /// </summary>
    /// <exception cref="CriException">The sandbox is unknown, the config invalid or the name taken.</exception>
    /// <exception cref="ArgumentException">A RUNNING seed in a NOTREADY sandbox.</exception>
    public string SeedContainer(ContainerSeed seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var sandbox = GetSandbox(seed.PodSandboxId)
            ?? throw CriException.NotFound($"seed container: sandbox \"{seed.PodSandboxId}\": not found");
        if (seed.State == ContainerState.ContainerRunning && sandbox.State != PodSandboxState.SandboxReady)
        {
            throw new ArgumentException($"seed container {seed.Config.Metadata?.Name}: a RUNNING container needs a READY sandbox, and {sandbox.Id} is NOTREADY", nameof(seed));
        }

        if (seed.Config.Image?.Image is { Length: > 0 } image && GetImage(image) is null)
        {
            SeedImage(image);
        }

        PodSandboxConfig sandboxConfig;
        lock (_gate)
        {
            _sandboxes.TryGet(sandbox.Id, out var stored);
            sandboxConfig = stored!.Config.ToMessage();
        }

        return Seeding(() =>
        {
            var id = CreateContainer(new CreateContainerRequest { PodSandboxId = sandbox.Id, Config = seed.Config, SandboxConfig = sandboxConfig }).ContainerId;
            if (seed.State == ContainerState.ContainerRunning)
            {
                StartContainer(new StartContainerRequest { ContainerId = id });
            }

            lock (_gate)
            {
                _containers.TryGet(id, out var container);
                if (seed.CreatedAt is { } createdAt)
                {
                    container!.CreatedAt = ToNanos(createdAt);
                }

                if (seed.State == ContainerState.ContainerRunning && seed.StartedAt is { } startedAt && container!.FinishedAt == 0)
                {
                    container.StartedAt = ToNanos(startedAt);
                }

                if (seed.State == ContainerState.ContainerExited)
                {
                    container!.StartedAt = seed.StartedAt is { } started ? ToNanos(started) : NowNanos();
                    container.FinishedAt = seed.FinishedAt is { } finished ? ToNanos(finished) : NowNanos();
                    container.ExitCode = seed.ExitCode;
                    container.Reason = seed.Reason;
                    container.ExitRecorded.TrySetResult();
                }
            }

            return id;
        });
    }

    /// <summary>
    /// Forgets every sandbox, container and image, ends every emulated process without events, and restores
    /// conditions, catalog, behaviours, the ID sequence and the IP pool: the runtime is as freshly started.
    /// Event subscribers stay connected.
    /// </summary>
    public void Reset()
    {
        List<StoredContainer> running = [];
        lock (_gate)
        {
            foreach (var container in _containers)
            {
                if (container.State == ContainerState.ContainerRunning)
                {
                    ExitLocked(container, 128 + 9, reason: null);
                    running.Add(container);
                }
            }

            _containers.Clear();
            _containerIds.Clear();
            _containerLabels.Clear();
            _containerNames.Clear();
            _sandboxes.Clear();
            _lastEventStatus = null;
            _sandboxIds.Clear();
            _sandboxLabels.Clear();
            _sandboxNames.Clear();
            _images.Clear();
            _ids = new SeededIdGenerator(_options.Seed);
            _ipam = new PodIpam(_options.PodCidr);
            _nextPid = 1000;
            _podCidr = string.Empty;
            _conditions.Clear();
            _catalog = null;
            _behaviors = null;
        }

        foreach (var container in running)
        {
            container.MainProcess?.Signal(Processes.Signals.Kill);
            container.Context.Processes.KillAll();
        }
    }

    private IEnumerable<ContainerBehavior> CurrentBehaviors() => (IEnumerable<ContainerBehavior>?)_behaviors ?? _options.Behaviors;

    private static long ToNanos(DateTimeOffset at) => (at - DateTimeOffset.UnixEpoch).Ticks * 100;

    private static T Seeding<T>(Func<T> action)
    {
        var outer = _seeding;
        _seeding = true;
        try
        {
            return action();
        }
        finally
        {
            _seeding = outer;
        }
    }
}
