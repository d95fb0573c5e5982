using System.Diagnostics.CodeAnalysis;
using FakeCri.Journal.Internal;
using Grpc.Core;

namespace FakeCri.Hosting.Internal;

/// <summary>
/// The server-side view of one call made through the <see cref="DirectCallInvoker"/>: the client's headers,
/// deadline and cancellation, and the trailers and status the handler sets.
/// </summary>
internal sealed class DirectServerCallContext : ServerCallContext, IWireBytesContext
{
    private readonly Metadata _requestHeaders;
    private readonly CancellationToken _cancellationToken;
    private readonly DateTime _deadline;
    private readonly TaskCompletionSource<Metadata> _responseHeaders = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private (object? Response, byte[]? Bytes) _responseBytes;

    public DirectServerCallContext(string method, Metadata requestHeaders, DateTime deadline, CancellationToken cancellationToken)
    {
        MethodName = method;
        _requestHeaders = requestHeaders;
        _deadline = deadline;
        _cancellationToken = cancellationToken;
    }

    public string MethodName { get; }

    /// <inheritdoc/>
    public byte[]? RequestBytes { get; set; }

    /// <inheritdoc/>
    public void UseResponseBytes(object response, byte[] bytes) => _responseBytes = (response, bytes);

    /// <summary>The bytes offered for <paramref name="response"/> (this very object), if any.</summary>
    public bool TryTakeResponseBytes(object? response, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = response is not null && ReferenceEquals(_responseBytes.Response, response) ? _responseBytes.Bytes : null;
        return bytes is not null;
    }

    /// <summary>Completes with the response headers once the handler sends them or the call ends.</summary>
    public Task<Metadata> ResponseHeaders => _responseHeaders.Task;

    public Metadata Trailers { get; } = [];

    public void CompleteHeaders() => _responseHeaders.TrySetResult([]);

    protected override string MethodCore => MethodName;

    protected override string HostCore => "fakecri.direct";

    protected override string PeerCore => "direct:in-process";

    protected override DateTime DeadlineCore => _deadline;

    protected override Metadata RequestHeadersCore => _requestHeaders;

    protected override CancellationToken CancellationTokenCore => _cancellationToken;

    protected override Metadata ResponseTrailersCore => Trailers;

    protected override Status StatusCore { get; set; }

    protected override WriteOptions? WriteOptionsCore { get; set; }

    protected override AuthContext AuthContextCore { get; } = new(null, []);

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
        throw new NotSupportedException("context propagation is not supported by the direct invoker");

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders)
    {
        _responseHeaders.TrySetResult(responseHeaders);
        return Task.CompletedTask;
    }
}
