using FakeCri.Images;

namespace FakeCri.Faults;

/// <summary>
/// Which calls a fault rule applies to, as data (so it can travel over the control API and live in scenario
/// files). Every field given must match; an empty match applies to every call of the rule's method.
/// </summary>
public sealed record FaultMatch
{
    /// <summary>The pod's name.</summary>
    public string? PodName { get; init; }

    /// <summary>The pod's namespace.</summary>
    public string? PodNamespace { get; init; }

    /// <summary>The container's name.</summary>
    public string? ContainerName { get; init; }

    /// <summary>An image reference, compared after normalisation (<c>nginx</c> matches <c>docker.io/library/nginx:latest</c>).</summary>
    public string? Image { get; init; }

    /// <summary>True when nothing is constrained.</summary>
    public bool IsEmpty => PodName is null && PodNamespace is null && ContainerName is null && Image is null;

    /// <summary>Whether <paramref name="call"/> satisfies every constraint.</summary>
    public bool Matches(FaultCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return (PodName is null || PodName == call.PodName)
            && (PodNamespace is null || PodNamespace == call.PodNamespace)
            && (ContainerName is null || ContainerName == call.ContainerName)
            && (Image is null || SameImage(Image, call.Image));
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var parts = new List<string>();
        Add("pod", PodName);
        Add("namespace", PodNamespace);
        Add("container", ContainerName);
        Add("image", Image);
        return string.Join(", ", parts);

        void Add(string name, string? value)
        {
            if (value is not null)
            {
                parts.Add($"{name} {value}");
            }
        }
    }

    private static bool SameImage(string wanted, string? actual)
    {
        if (actual is null)
        {
            return false;
        }

        if (wanted == actual)
        {
            return true;
        }

        return ImageReference.TryParse(wanted, out var a, out _) && ImageReference.TryParse(actual, out var b, out _) && a == b;
    }
}
