using FakeCri.Behaviors;
using FakeCri.Cri.V1;
using FakeCri.Images;
using FakeCri.Runtime.Internal;
using Microsoft.Extensions.Logging;

namespace FakeCri;

/// <summary>
/// How a fake runtime is set up. Immutable: derive variants with <c>with</c> or the <c>With*</c> methods.
/// </summary>
public sealed record FakeCriOptions
{
    /// <summary>The defaults: systemd cgroups, the <c>runc</c> handler, the system clock, no network doors.</summary>
    public static FakeCriOptions Default { get; } = new();

    /// <summary>
    /// Where <see cref="FakeCriServer.StartAsync"/> listens. Ignored by
    /// <see cref="FakeCriServer.StartInProcessAsync"/>, which needs no sockets.
    /// </summary>
    public IReadOnlyList<FakeCriEndpoint> Listen { get; init; } = [];

    /// <summary>
    /// Named runtime handlers besides the default <c>""</c> one, as a containerd config lists runtimes.
    /// <c>Status</c> reports <c>""</c> plus these, sorted by name.
    /// </summary>
    public IReadOnlyList<string> RuntimeHandlers { get; init; } = ["runc"];

    /// <summary>The cgroup driver reported by the <c>RuntimeConfig</c> call (kubelet reads it at start-up).</summary>
    public CgroupDriver CgroupDriver { get; init; } = CgroupDriver.Systemd;

    /// <summary>The clock behind every timestamp. Pass a <c>FakeTimeProvider</c> for virtual time.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Seeds the generator behind every sandbox and container ID: the same seed and the same calls give the same
    /// IDs, so runs are reproducible.
    /// </summary>
    public int Seed { get; init; }

    /// <summary>
    /// The range pod IPs come from. Loopback by default, so emulated pod servers can listen for real on this
    /// machine without touching any other network.
    /// </summary>
    public string PodCidr { get; init; } = "127.88.0.0/16";

    /// <summary>The images the fake registry serves.</summary>
    public ImageCatalog Images { get; init; } = ImageCatalog.BuiltIn;

    /// <summary>
    /// When true, pulling a reference the catalog does not know fails as a registry's not-found does. When false
    /// (the default) any well-formed reference pulls, with metadata derived from the reference.
    /// </summary>
    public bool StrictImages { get; init; }

    /// <summary>
    /// Registries that require credentials, by registry host (<c>docker.io</c>, <c>localhost:5000</c>). A pull from
    /// one of them without matching <c>auth</c> fails as containerd reports an authorization failure.
    /// </summary>
    public IReadOnlyDictionary<string, RegistryCredential> RegistryCredentials { get; init; } =
        new Dictionary<string, RegistryCredential>();

    /// <summary>The sandbox ("pause") image RunPodSandbox makes present, pinned, as containerd does.</summary>
    public string SandboxImage { get; init; } = "registry.k8s.io/pause:3.10.2";

    /// <summary>Where the fake's logs go; none when null.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// Declared container behaviours; the first whose match fits a container applies to it. Annotations
    /// (<c>fakecri.io/...</c>) on the container or its sandbox add to or override it.
    /// </summary>
    public IReadOnlyList<ContainerBehavior> Behaviors { get; init; } = [];

    /// <summary>How many entries the call journal keeps; older ones are dropped (sequence numbers keep counting).</summary>
    public int JournalCapacity { get; init; } = 10_000;

    /// <summary>
    /// Where the streaming server (Exec/Attach/PortForward URLs) listens: loopback by default, as containerd's. It
    /// starts on the first such call, so fakes that never stream open no port.
    /// </summary>
    public System.Net.IPAddress StreamingAddress { get; init; } = System.Net.IPAddress.Loopback;

    /// <summary>
    /// Serve emulated pod networking for real: while an nginx or httpd container runs, it answers HTTP on
    /// <c>&lt;pod IP&gt;:80</c> (127.0.0.1 on the host network) and on its sandbox's <c>port_mappings</c> host ports.
    /// Off by default in the library, because parallel fakes hand out the same loopback pod IPs; <c>fakecri serve</c>
    /// turns it on.
    /// </summary>
    public bool PodNetwork { get; init; }

    /// <summary>The streaming server's port; 0 picks a free one.</summary>
    public int StreamingPort { get; init; }

    /// <summary>Scenarios applied, in order, as the fake starts (before any client call).</summary>
    public IReadOnlyList<Scenarios.Scenario> Scenarios { get; init; } = [];

    /// <summary>Adds a scenario applied as the fake starts.</summary>
    public FakeCriOptions WithScenario(Scenarios.Scenario scenario) => this with { Scenarios = [.. Scenarios, scenario] };

    /// <summary>Adds a declared container behaviour.</summary>
    public FakeCriOptions WithBehavior(ContainerBehavior behavior) => this with { Behaviors = [.. Behaviors, behavior] };

    /// <summary>Adds listen endpoints.</summary>
    public FakeCriOptions WithListen(params FakeCriEndpoint[] endpoints) => this with { Listen = [.. Listen, .. endpoints] };

    /// <summary>Replaces the named runtime handlers.</summary>
    public FakeCriOptions WithRuntimeHandlers(params string[] handlers) => this with { RuntimeHandlers = handlers };

    /// <summary>Uses the given clock.</summary>
    public FakeCriOptions WithTimeProvider(TimeProvider timeProvider) => this with { TimeProvider = timeProvider };

    /// <summary>Sends logs to the given factory.</summary>
    public FakeCriOptions WithLoggerFactory(ILoggerFactory loggerFactory) => this with { LoggerFactory = loggerFactory };

    /// <summary>Uses the given seed for IDs.</summary>
    public FakeCriOptions WithSeed(int seed) => this with { Seed = seed };

    /// <summary>Uses the given image catalog.</summary>
    public FakeCriOptions WithImages(ImageCatalog images) => this with { Images = images };

    /// <summary>Requires credentials for pulls from <paramref name="registry"/>.</summary>
    public FakeCriOptions WithRegistryCredential(string registry, string username, string password) => this with
    {
        RegistryCredentials = new Dictionary<string, RegistryCredential>(RegistryCredentials)
        {
            [registry] = new RegistryCredential(username, password),
        },
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    internal void Validate()
    {
        if (!PodIpam.TryParseIPv4Cidr(PodCidr, out _, out var prefix) || prefix > 30)
        {
            throw new ArgumentException($"pod CIDR \"{PodCidr}\" must be an IPv4 CIDR with room for pods", nameof(PodCidr));
        }

        if (!ImageReference.TryParse(SandboxImage, out _, out var imageError))
        {
            throw new ArgumentException($"sandbox image: {imageError}", nameof(SandboxImage));
        }

        ArgumentNullException.ThrowIfNull(Images, nameof(Images));
        if (StreamingPort is < 0 or > 65535)
        {
            throw new ArgumentException($"streaming port {StreamingPort} is not a TCP port (0 picks a free one)", nameof(StreamingPort));
        }

        if (JournalCapacity < 1)
        {
            throw new ArgumentException($"journal capacity must be at least 1, not {JournalCapacity}", nameof(JournalCapacity));
        }

        foreach (var handler in RuntimeHandlers)
        {
            if (string.IsNullOrWhiteSpace(handler))
            {
                throw new ArgumentException(
                    "runtime handler names must not be empty: the default handler \"\" is always present",
                    nameof(RuntimeHandlers));
            }
        }

        if (RuntimeHandlers.Distinct(StringComparer.Ordinal).Count() != RuntimeHandlers.Count)
        {
            throw new ArgumentException("runtime handler names must be unique", nameof(RuntimeHandlers));
        }

        if (!Enum.IsDefined(CgroupDriver))
        {
            throw new ArgumentException($"unknown cgroup driver {(int)CgroupDriver}", nameof(CgroupDriver));
        }
    }
}
