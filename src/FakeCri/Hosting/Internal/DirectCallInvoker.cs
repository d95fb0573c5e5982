using System.Threading.Channels;
using Grpc.Core;

namespace FakeCri.Hosting.Internal;

/// <summary>
/// A <see cref="CallInvoker"/> that hands calls straight to the services, through the same interceptors as the
/// HTTP/2 doors, without HTTP. Messages are still serialised both ways (no aliasing between client and server),
/// and deadlines, cancellation, metadata, trailers and status codes behave as over a channel.
/// </summary>
internal sealed class DirectCallInvoker : CallInvoker
{
    private readonly DirectServiceBinder _services;

    public DirectCallInvoker(DirectServiceBinder services)
    {
        _services = services;
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        using var call = AsyncUnaryCall(method, host, options, request);
        return call.ResponseAsync.GetAwaiter().GetResult();
    }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        var call = new DirectCall(method.FullName, options);
        var requestBytes = DirectMarshalling.Serialize(method.RequestMarshaller, request);
        var response = _services.Unary.TryGetValue(method.FullName, out var handler)
            ? call.RunAsync(context => handler(requestBytes, context), bytes => DirectMarshalling.Deserialize(method.ResponseMarshaller, bytes))
            : call.Unimplemented<TResponse>();
        return new AsyncUnaryCall<TResponse>(response, call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        var call = new DirectCall(method.FullName, options);
        var requestBytes = DirectMarshalling.Serialize(method.RequestMarshaller, request);
        var messages = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(16) { SingleReader = true, SingleWriter = true });
        Task completion;
        if (_services.ServerStreaming.TryGetValue(method.FullName, out var handler))
        {
            completion = call.RunAsync(
                async context =>
                {
                    await handler(requestBytes, context, (bytes, token) => messages.Writer.WriteAsync(bytes, token).AsTask()).ConfigureAwait(false);
                    return [];
                },
                static bytes => bytes);
        }
        else
        {
            completion = call.Unimplemented<byte[]>();
        }

        _ = completion.ContinueWith(
            t => messages.Writer.TryComplete(t.Exception?.InnerException),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        var reader = new DirectResponseStream<TResponse>(messages.Reader, method.ResponseMarshaller, call);
        return new AsyncServerStreamingCall<TResponse>(reader, call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException($"{method.FullName}: CRI has no client-streaming RPCs; the direct invoker serves none");

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException($"{method.FullName}: CRI has no duplex-streaming RPCs; the direct invoker serves none");

    /// <summary>One call's state on the client side: cancellation, deadline, status and trailers.</summary>
    private sealed class DirectCall : IDisposable
    {
        private readonly CancellationTokenSource _cancel;
        private readonly CancellationToken _client;
        private readonly DateTime _deadline;
        private readonly DirectServerCallContext _context;
        private Status? _status;
        private Metadata _trailers = [];

        public DirectCall(string method, CallOptions options)
        {
            _client = options.CancellationToken;
            _deadline = options.Deadline ?? DateTime.MaxValue;
            _cancel = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken);
            if (_deadline != DateTime.MaxValue)
            {
                var left = _deadline.ToUniversalTime() - DateTime.UtcNow;
                if (left > TimeSpan.Zero)
                {
                    _cancel.CancelAfter(left);
                }
                else
                {
                    _cancel.Cancel();
                }
            }

            _context = new DirectServerCallContext(method, options.Headers ?? [], _deadline, _cancel.Token);
        }

        public Task<Metadata> ResponseHeadersAsync => _context.ResponseHeaders;

        public CancellationToken Token => _cancel.Token;

        public Status GetStatus() => _status ?? throw new InvalidOperationException("Unable to get the status because the call is not complete.");

        public Metadata GetTrailers() => _status is null
            ? throw new InvalidOperationException("Can't get the call trailers because the call has not completed successfully.")
            : _trailers;

        /// <remarks>
        /// The handler runs inline on the caller's thread up to its first incomplete await, as an in-process call
        /// should (no thread-pool hop per call). Nothing reaches the caller synchronously: being an async method,
        /// this captures every exception, including one thrown before the handler's first await, in the returned
        /// task, so failures surface through <c>ResponseAsync</c> as over a channel.
        /// </remarks>
        public async Task<TResponse> RunAsync<TResponse>(Func<DirectServerCallContext, Task<byte[]>> handler, Func<byte[], TResponse> deserialize)
        {
            try
            {
                _cancel.Token.ThrowIfCancellationRequested();
                var bytes = await handler(_context).WaitAsync(_cancel.Token).ConfigureAwait(false);
                Complete(Status.DefaultSuccess, _context.Trailers);
                return deserialize(bytes);
            }
            catch (RpcException failure) when (!_cancel.IsCancellationRequested)
            {
                var trailers = new Metadata();
                foreach (var entry in _context.Trailers.Concat(failure.Trailers))
                {
                    trailers.Add(entry);
                }

                Complete(failure.Status, trailers);
                throw new RpcException(failure.Status, trailers);
            }
            catch (Exception) when (_cancel.IsCancellationRequested)
            {
                var status = _client.IsCancellationRequested
                    ? new Status(StatusCode.Cancelled, "Call canceled by the client.")
                    : new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
                Complete(status, []);
                throw new RpcException(status);
            }
            catch (Exception)
            {
                var status = new Status(StatusCode.Unknown, "Exception was thrown by handler.");
                Complete(status, []);
                throw new RpcException(status);
            }
        }

        public Task<TResponse> Unimplemented<TResponse>()
        {
            var status = new Status(StatusCode.Unimplemented, "Method is unimplemented.");
            Complete(status, []);
            return Task.FromException<TResponse>(new RpcException(status));
        }

        /// <summary>The status a reader reports when the client cancels while it waits for a message.</summary>
        public RpcException Cancelled()
        {
            var status = _client.IsCancellationRequested || _deadline == DateTime.MaxValue
                ? new Status(StatusCode.Cancelled, "Call canceled by the client.")
                : new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
            Complete(status, []);
            return new RpcException(status);
        }

        public void Dispose()
        {
            if (_status is null)
            {
                _cancel.Cancel();
            }
        }

        private void Complete(Status status, Metadata trailers)
        {
            _context.CompleteHeaders();
            if (_status is null)
            {
                _trailers = trailers;
                _status = status;
            }
        }
    }

    /// <summary>Reads a server stream's messages, deserialising each with the client's marshaller.</summary>
    private sealed class DirectResponseStream<T> : IAsyncStreamReader<T>
    {
        private readonly ChannelReader<byte[]> _messages;
        private readonly Marshaller<T> _marshaller;
        private readonly DirectCall _call;

        public DirectResponseStream(ChannelReader<byte[]> messages, Marshaller<T> marshaller, DirectCall call)
        {
            _messages = messages;
            _marshaller = marshaller;
            _call = call;
        }

        public T Current { get; private set; } = default!;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _call.Token);
            try
            {
                if (await _messages.WaitToReadAsync(linked.Token).ConfigureAwait(false) && _messages.TryRead(out var bytes))
                {
                    Current = DirectMarshalling.Deserialize(_marshaller, bytes);
                    return true;
                }

                return false;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw new RpcException(new Status(StatusCode.Cancelled, "Call canceled by the client."));
            }
            catch (OperationCanceledException) when (_call.Token.IsCancellationRequested)
            {
                throw _call.Cancelled();
            }
        }
    }
}
