using FakeCri.Images.Internal;
using FakeCri.Runtime.Internal;

namespace FakeCri.Runtime;

/// <summary>Typed, read-only views of the runtime's state for tests and the control API.</summary>
public sealed partial class EmulatedRuntime
{
    /// <summary>Every sandbox, container, image and reserved name, consistent with each other.</summary>
    public RuntimeSnapshot Snapshot()
    {
        lock (_gate)
        {
            var names = new Dictionary<string, string>(_sandboxNames.Snapshot(), StringComparer.Ordinal);
            foreach (var (name, id) in _containerNames.Snapshot())
            {
                names[name] = id;
            }

            return new RuntimeSnapshot(
                _clock.GetUtcNow(),
                [.. EnumerateSandboxes().Select(ViewOf)],
                [.. EnumerateContainers().Select(ViewOf)],
                [.. EnumerateImages().Select(ViewOf)],
                names);
        }
    }

    /// <summary>The sandboxes, in creation order.</summary>
    public IReadOnlyList<SandboxView> Sandboxes
    {
        get
        {
            lock (_gate)
            {
                return [.. EnumerateSandboxes().Select(ViewOf)];
            }
        }
    }

    /// <summary>The containers, in creation order.</summary>
    public IReadOnlyList<ContainerView> Containers
    {
        get
        {
            lock (_gate)
            {
                return [.. EnumerateContainers().Select(ViewOf)];
            }
        }
    }

    /// <summary>The local images, in pull order.</summary>
    public IReadOnlyList<ImageView> Images
    {
        get
        {
            lock (_gate)
            {
                return [.. EnumerateImages().Select(ViewOf)];
            }
        }
    }

    /// <summary>The sandbox with this ID or unique ID prefix; null when there is none (or the prefix is ambiguous).</summary>
    public SandboxView? GetSandbox(string idOrPrefix)
    {
        lock (_gate)
        {
            var match = _sandboxIds.Resolve(idOrPrefix);
            return match.Outcome == PrefixOutcome.Found && _sandboxes.TryGet(match.Id!, out var sandbox) ? ViewOf(sandbox) : null;
        }
    }

    /// <summary>The container with this ID or unique ID prefix; null when there is none (or the prefix is ambiguous).</summary>
    public ContainerView? GetContainer(string idOrPrefix)
    {
        lock (_gate)
        {
            var match = _containerIds.Resolve(idOrPrefix);
            return match.Outcome == PrefixOutcome.Found && _containers.TryGet(match.Id!, out var container) ? ViewOf(container) : null;
        }
    }

    /// <summary>The local image a reference (tag, digest, ID or ID prefix) resolves to; null when none does.</summary>
    public ImageView? GetImage(string reference)
    {
        lock (_gate)
        {
            return _images.Resolve(reference).Image is { } image ? ViewOf(image) : null;
        }
    }

    private IEnumerable<StoredSandbox> EnumerateSandboxes()
    {
        foreach (var sandbox in _sandboxes)
        {
            yield return sandbox;
        }
    }

    private IEnumerable<StoredContainer> EnumerateContainers()
    {
        foreach (var container in _containers)
        {
            yield return container;
        }
    }

    private IEnumerable<StoredImage> EnumerateImages()
    {
        foreach (var image in _images.Images)
        {
            yield return image;
        }
    }

    private static SandboxView ViewOf(StoredSandbox sandbox) => new(
        sandbox.Id,
        sandbox.Config.Metadata.Name,
        sandbox.Config.Metadata.Namespace,
        sandbox.Config.Metadata.Uid,
        sandbox.Config.Metadata.Attempt,
        sandbox.Name,
        sandbox.State,
        sandbox.Ip,
        sandbox.HostNetwork,
        sandbox.RuntimeHandler,
        FromNanos(sandbox.CreatedAt)!.Value,
        new Dictionary<string, string>(sandbox.Config.Labels, StringComparer.Ordinal),
        new Dictionary<string, string>(sandbox.Config.Annotations, StringComparer.Ordinal),
        [.. sandbox.ContainerIds]);

    private static ContainerView ViewOf(StoredContainer container) => new(
        container.Id,
        container.SandboxId,
        container.Config.Metadata.Name,
        container.Config.Metadata.Attempt,
        container.Name,
        container.Config.Image?.Image ?? string.Empty,
        container.ImageId,
        container.State,
        FromNanos(container.CreatedAt)!.Value,
        FromNanos(container.StartedAt),
        FromNanos(container.FinishedAt),
        container.ExitCode,
        container.EffectiveReason,
        container.Message,
        [.. container.CommandLine],
        container.LogPath,
        new Dictionary<string, string>(container.Config.Labels, StringComparer.Ordinal),
        new Dictionary<string, string>(container.Config.Annotations, StringComparer.Ordinal));

    private static ImageView ViewOf(StoredImage image) =>
        new(image.Id, [.. image.RepoTags], [.. image.RepoDigests], image.Source.Size, image.Pinned);

    private static DateTimeOffset? FromNanos(long nanos) =>
        nanos == 0 ? null : DateTimeOffset.UnixEpoch + TimeSpan.FromTicks(nanos / 100);
}
