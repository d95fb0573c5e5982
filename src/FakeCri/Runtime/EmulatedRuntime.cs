using FakeCri.Cri.V1;
using FakeCri.Images;
using FakeCri.Images.Internal;
using FakeCri.Runtime.Internal;

namespace FakeCri.Runtime;

/// <summary>
/// The emulated container runtime: the CRI state machine behind both services. It knows nothing of gRPC
/// hosting; the adapters in <c>FakeCri.Services</c> call it with the request messages and return what it returns.
/// Failures are <see cref="CriException"/>s carrying the status containerd would return.
/// </summary>
/// <remarks>
/// One lock guards all state. Every critical section is a few dictionary operations on memory, and no I/O
/// happens under it (StartContainer opens the log file between two critical sections), so callers contend
/// briefly and never deadlock. Requests are copied on the way in and responses built fresh on the way out, so
/// no client can reach stored state through a message object.
/// </remarks>
public sealed partial class EmulatedRuntime
{
    /// <summary>The condition type kubelet requires to be true before it starts pods.</summary>
    public const string RuntimeReadyCondition = "RuntimeReady";

    /// <summary>The condition type kubelet requires to be true before it starts non-host-network pods.</summary>
    public const string NetworkReadyCondition = "NetworkReady";

    private readonly Lock _gate = new();
    private readonly FakeCriOptions _options;
    private SeededIdGenerator _ids;
    private PodIpam _ipam;
    private readonly InsertionOrderedMap<StoredSandbox> _sandboxes = new();
    private readonly PrefixIndex _sandboxIds = new();
    private readonly LabelIndex<StoredSandbox> _sandboxLabels = new();
    private readonly NameRegistry _sandboxNames = new();
    private readonly InsertionOrderedMap<StoredContainer> _containers = new();
    private readonly PrefixIndex _containerIds = new();
    private readonly LabelIndex<StoredContainer> _containerLabels = new();
    private readonly NameRegistry _containerNames = new();
    private readonly ImageStore _images = new();
    private readonly ValuePool _pool = new();
    private readonly HashSet<string> _handlers;
    private readonly ObservedClock _clock;
    private readonly ContainerEventHub _events;
    private (StoredSandbox Sandbox, PodSandboxState State, Cri.V1.PodSandboxStatus Status)? _lastEventStatus;
    private readonly ImageReference _sandboxImage;
    private string _podCidr = string.Empty;
    private int _nextPid = 1000;

    /// <summary>Creates an empty runtime configured by <paramref name="options"/>.</summary>
    public EmulatedRuntime(FakeCriOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _ids = new SeededIdGenerator(options.Seed);
        _ipam = new PodIpam(options.PodCidr);
        _handlers = new HashSet<string>(options.RuntimeHandlers.Prepend(string.Empty), StringComparer.Ordinal);
        _clock = new ObservedClock(options.TimeProvider);
        _events = new ContainerEventHub(_clock);
        _sandboxImage = ImageReference.Parse(options.SandboxImage); // validated above; parsed once, not per sandbox
    }

    /// <summary>The clock behind every timestamp, sleep and timeout of the runtime.</summary>
    public TimeProvider Clock => _clock;

    /// <summary>
    /// Completes once the emulation has a timer pending that falls due within <paramref name="within"/> from now
    /// (a sleep, an exec timeout, a stop's grace period): on a virtual clock, await it before advancing time so
    /// the advance cannot race the call that schedules the timer.
    /// </summary>
    public Task WhenTimerScheduledAsync(TimeSpan within, CancellationToken cancellationToken = default)
    {
        var limit = _clock.GetUtcNow() + within;
        return _clock.WhenScheduledAsync(due => due <= limit, cancellationToken);
    }

    /// <summary>
    /// CRI <c>GetContainerEvents</c>: a reader of every event from now on (and of those published while nobody
    /// listened, as containerd buffers them). Call <paramref name="unsubscribe"/> when done.
    /// </summary>
    public System.Threading.Channels.ChannelReader<ContainerEventResponse> SubscribeToEvents(out Action unsubscribe) =>
        _events.Subscribe(out unsubscribe);

    /// <summary>
    /// Completes once the emulation has a timer pending that falls due exactly at <paramref name="dueAt"/>, e.g. the
    /// end of a stop's grace period started now: <c>WhenTimerDueAsync(clock.GetUtcNow() + TimeSpan.FromSeconds(30))</c>.
    /// </summary>
    public Task WhenTimerDueAsync(DateTimeOffset dueAt, CancellationToken cancellationToken = default) =>
        _clock.WhenScheduledAsync(due => due == dueAt, cancellationToken);

    /// <summary>
    /// Completes once at least <paramref name="count"/> GetContainerEvents streams are subscribed: await it after
    /// opening a stream and before causing the events it should see.
    /// </summary>
    public Task WhenEventSubscribersAsync(int count, CancellationToken cancellationToken = default) =>
        _events.WhenSubscribedAsync(count, cancellationToken);

    /// <summary>Ends every GetContainerEvents stream; the server calls it when it stops.</summary>
    public void CloseEventStreams() => _events.Close();

    /// <summary>The pod CIDR kubelet last sent through <c>UpdateRuntimeConfig</c>; empty until then.</summary>
    public string PodCidr
    {
        get
        {
            lock (_gate)
            {
                return _podCidr;
            }
        }
    }

    /// <summary>CRI <c>Version</c>: the names and versions of the runtime and the API.</summary>
    public VersionResponse Version(VersionRequest request) => new()
    {
        Version = RuntimeIdentity.KubeletApiVersion,
        RuntimeName = RuntimeIdentity.RuntimeName,
        RuntimeVersion = RuntimeIdentity.RuntimeVersion,
        RuntimeApiVersion = RuntimeIdentity.RuntimeApiVersion,
    };

    /// <summary>Now, in nanoseconds since the Unix epoch, from the runtime's clock.</summary>
    private long NowNanos() => (Clock.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;

    private int NextPid() => _nextPid++;

    /// <summary>Resolves a sandbox ID or prefix; <paramref name="context"/> starts the error message.</summary>
    private StoredSandbox? FindSandbox(string id, string context, bool notFoundIsNull) =>
        Find(_sandboxIds, _sandboxes, id, context, notFoundIsNull);

    /// <summary>Resolves a container ID or prefix; <paramref name="context"/> starts the error message.</summary>
    private StoredContainer? FindContainer(string id, string context, bool notFoundIsNull) =>
        Find(_containerIds, _containers, id, context, notFoundIsNull);

    /// <summary>
    /// containerd's lookup: a unique prefix finds the object; an empty or ambiguous one is UNKNOWN even for the
    /// idempotent calls; a miss is NOT_FOUND, or null for callers (Stop*/Remove*) that treat it as success.
    /// </summary>
    private static T? Find<T>(PrefixIndex index, InsertionOrderedMap<T> objects, string id, string context, bool notFoundIsNull)
        where T : class
    {
        var match = index.Resolve(id);
        switch (match.Outcome)
        {
            case PrefixOutcome.Found when objects.TryGet(match.Id!, out var found):
                return found;
            case PrefixOutcome.Empty:
                throw CriException.Unknown($"{context} \"\": prefix can't be empty");
            case PrefixOutcome.Ambiguous:
                throw CriException.Unknown($"{context} \"{id}\": Multiple IDs found with provided prefix: {id}");
            default:
                return notFoundIsNull ? null : throw CriException.NotFound($"{context} \"{id}\": not found");
        }
    }

    /// <summary>
    /// A list filter's ID, as containerd treats it: a unique prefix resolves to the full ID; anything else is
    /// compared literally, so an unknown or ambiguous prefix matches nothing rather than failing.
    /// </summary>
    private static string NormalizeFilterId(PrefixIndex index, string id)
    {
        var match = index.Resolve(id);
        return match.Outcome == PrefixOutcome.Found ? match.Id! : id;
    }

    private static bool MatchesLabels(IReadOnlyDictionary<string, string> labels, Google.Protobuf.Collections.MapField<string, string> selector)
    {
        foreach (var (key, value) in selector)
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }

        return true;
    }
}
