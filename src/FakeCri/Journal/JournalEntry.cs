using FakeCri.Journal.Internal;
using Google.Protobuf;
using Grpc.Core;

namespace FakeCri.Journal;

/// <summary>
/// One CRI call as the fake served it — or one fault injected outside a call (a container crash, a condition
/// change), which has a <see cref="Fault"/> but no request.
/// </summary>
/// <param name="Sequence">Position in the journal, from 1; never reused, not even after a reset.</param>
/// <param name="Service">The gRPC service, e.g. <c>runtime.v1.RuntimeService</c>; <c>fakecri.fault</c> for a fault outside a call.</param>
/// <param name="Method">The RPC's short name, e.g. <c>RunPodSandbox</c>.</param>
/// <param name="StartedAt">When the call arrived, on the runtime's clock.</param>
/// <param name="Duration">How long it took on the runtime's clock (zero on a virtual clock unless latency was injected).</param>
/// <param name="Request">The request message, as the server received it.</param>
/// <param name="Response">The response of a successful unary call; null for failures and streams.</param>
/// <param name="StreamedMessages">How many messages a server-streaming call sent.</param>
/// <param name="Code">The status the client saw.</param>
/// <param name="Detail">The status message the client saw.</param>
/// <param name="Fault">What injected fault shaped this call, if any (failure, latency, chaos).</param>
public sealed record JournalEntry(
    long Sequence,
    string Service,
    string Method,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    IMessage? Request,
    IMessage? Response,
    int StreamedMessages,
    StatusCode Code,
    string Detail,
    string? Fault)
{
    // Kept serialised, parsed when read (see SerializedMessage): the journal's entries outlive many collections.
    private readonly SerializedMessage? _request = SerializedMessage.Of(Request);
    private readonly SerializedMessage? _response = SerializedMessage.Of(Response);

    private JournalEntry(
        SerializedMessage? request, SerializedMessage? response, long sequence, string service, string method, DateTimeOffset startedAt,
        TimeSpan duration, int streamedMessages, StatusCode code, string detail, string? fault)
        : this(sequence, service, method, startedAt, duration, null, null, streamedMessages, code, detail, fault)
    {
        _request = request;
        _response = response;
    }

    /// <summary>The service of journal entries that record a fault injected outside any call.</summary>
    public const string FaultService = "fakecri.fault";

    /// <summary>The request message, as the server received it.</summary>
    public IMessage? Request
    {
        get => _request?.Message;
        init => _request = SerializedMessage.Of(value);
    }

    /// <summary>The response of a successful unary call; null for failures and streams.</summary>
    public IMessage? Response
    {
        get => _response?.Message;
        init => _response = SerializedMessage.Of(value);
    }

    /// <summary>The gRPC path, <c>/service/method</c>.</summary>
    public string FullMethod => $"/{Service}/{Method}";

    /// <summary>True for a CRI call, false for a fault injected outside a call.</summary>
    public bool IsCall => Service != FaultService;

    /// <summary>The request as <typeparamref name="TRequest"/>, or null when it is another message.</summary>
    public TRequest? RequestAs<TRequest>()
        where TRequest : class, IMessage => HasRequestOf(typeof(TRequest)) ? (TRequest)Request! : null;

    /// <summary>An entry whose messages are already serialised (outside the journal's lock).</summary>
    internal static JournalEntry Serialized(
        long sequence, string service, string method, DateTimeOffset startedAt, TimeSpan duration, SerializedMessage? request,
        SerializedMessage? response, int streamedMessages, StatusCode code, string detail, string? fault) =>
        new(request, response, sequence, service, method, startedAt, duration, streamedMessages, code, detail, fault);

    /// <summary>Whether the request is a <paramref name="type"/>, without parsing it.</summary>
    internal bool HasRequestOf(Type type) => _request is not null && type.IsAssignableFrom(_request.ClrType);
}
