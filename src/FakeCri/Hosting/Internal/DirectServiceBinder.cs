using Grpc.Core;
using Grpc.Core.Interceptors;

namespace FakeCri.Hosting.Internal;

/// <summary>
/// Collects a service's handlers from its generated <c>BindService</c>, wrapped in the server's interceptors and
/// turned into byte-level delegates: the direct invoker serialises requests and responses through them, so a
/// client generated from another copy of the proto works too, and no message object is shared across the call.
/// </summary>
internal sealed class DirectServiceBinder : ServiceBinderBase
{
    private readonly IReadOnlyList<Interceptor> _interceptors;

    public DirectServiceBinder(IReadOnlyList<Interceptor> interceptors)
    {
        _interceptors = interceptors;
    }

    /// <summary>Unary handlers by full method path: request bytes in, response bytes out.</summary>
    public Dictionary<string, Func<byte[], DirectServerCallContext, Task<byte[]>>> Unary { get; } = new(StringComparer.Ordinal);

    /// <summary>Server-streaming handlers by full method path: request bytes in, each response's bytes to the sink.</summary>
    public Dictionary<string, Func<byte[], DirectServerCallContext, Func<byte[], CancellationToken, Task>, Task>> ServerStreaming { get; } = new(StringComparer.Ordinal);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        UnaryServerMethod<TRequest, TResponse> pipeline = handler;
        for (var i = _interceptors.Count - 1; i >= 0; i--)
        {
            var interceptor = _interceptors[i];
            var inner = pipeline;
            pipeline = (request, context) => interceptor.UnaryServerHandler(request, context, inner);
        }

        Unary[method.FullName] = async (bytes, context) =>
        {
            context.RequestBytes = bytes;
            var request = DirectMarshalling.Deserialize(method.RequestMarshaller, bytes);
            var response = await pipeline(request, context).ConfigureAwait(false);
            return context.TryTakeResponseBytes(response, out var serialized)
                ? serialized
                : DirectMarshalling.Serialize(method.ResponseMarshaller, response);
        };
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ServerStreamingServerMethod<TRequest, TResponse> pipeline = handler;
        for (var i = _interceptors.Count - 1; i >= 0; i--)
        {
            var interceptor = _interceptors[i];
            var inner = pipeline;
            pipeline = (request, stream, context) => interceptor.ServerStreamingServerHandler(request, stream, context, inner);
        }

        ServerStreaming[method.FullName] = (bytes, context, sink) =>
        {
            context.RequestBytes = bytes;
            var request = DirectMarshalling.Deserialize(method.RequestMarshaller, bytes);
            return pipeline(request, new SerializingWriter<TResponse>(method.ResponseMarshaller, sink, context.CancellationToken), context);
        };
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
        throw new NotSupportedException($"{method.FullName}: client streaming is not served by the direct invoker");

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
        throw new NotSupportedException($"{method.FullName}: duplex streaming is not served by the direct invoker");

    private sealed class SerializingWriter<T> : IServerStreamWriter<T>
    {
        private readonly Marshaller<T> _marshaller;
        private readonly Func<byte[], CancellationToken, Task> _sink;
        private readonly CancellationToken _call;

        public SerializingWriter(Marshaller<T> marshaller, Func<byte[], CancellationToken, Task> sink, CancellationToken call)
        {
            _marshaller = marshaller;
            _sink = sink;
            _call = call;
        }

        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(T message) => _sink(DirectMarshalling.Serialize(_marshaller, message), _call);

        public Task WriteAsync(T message, CancellationToken cancellationToken) => _sink(DirectMarshalling.Serialize(_marshaller, message), cancellationToken);
    }
}
