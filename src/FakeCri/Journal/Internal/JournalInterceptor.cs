using FakeCri.Faults.Internal;
using FakeCri.Runtime;
using FakeCri.Services.Internal;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace FakeCri.Journal.Internal;

/// <summary>
/// Records every CRI call in the <see cref="CallJournal"/> as the client saw it: outermost in the pipeline, so
/// injected latency and failures are part of the record. Other services (health, reflection, control) are not
/// journaled.
/// </summary>
internal sealed class JournalInterceptor : Interceptor
{
    private readonly CallJournal _journal;
    private readonly EmulatedRuntime _runtime;

    public JournalInterceptor(CallJournal journal, EmulatedRuntime runtime)
    {
        _journal = journal;
        _runtime = runtime;
    }

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (!CriMethod.TryParse(context.Method, out var service, out var method))
        {
            return await continuation(request, context).ConfigureAwait(false);
        }

        var startedAt = _runtime.Clock.GetUtcNow();
        try
        {
            var response = await continuation(request, context).ConfigureAwait(false);
            Record(service, method, startedAt, request, response as IMessage, 0, Status.DefaultSuccess, context);
            return response;
        }
        catch (RpcException failure)
        {
            Record(service, method, startedAt, request, null, 0, failure.Status, context);
            throw;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (!CriMethod.TryParse(context.Method, out var service, out var method))
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
            return;
        }

        var startedAt = _runtime.Clock.GetUtcNow();
        var counting = new CountingWriter<TResponse>(responseStream);
        try
        {
            await continuation(request, counting, context).ConfigureAwait(false);
            Record(service, method, startedAt, request, null, counting.Count, Status.DefaultSuccess, context);
        }
        catch (RpcException failure)
        {
            Record(service, method, startedAt, request, null, counting.Count, failure.Status, context);
            throw;
        }
    }

    private void Record(string service, string method, DateTimeOffset startedAt, object? request, IMessage? response, int streamed, Status status, ServerCallContext context)
    {
        var duration = _runtime.Clock.GetUtcNow() - startedAt;
        var fault = context.UserState.TryGetValue(FaultInterceptor.AppliedKey, out var applied) ? applied as string : null;
        if (context is IWireBytesContext { RequestBytes: { } requestBytes } wire && request is IMessage message)
        {
            // The journal is the outermost interceptor: nothing changes the response between here and the door.
            var responseBytes = response?.ToByteArray();
            if (responseBytes is not null)
            {
                wire.UseResponseBytes(response!, responseBytes);
            }

            _journal.Record(
                service, method, startedAt, duration, message.GetType(), requestBytes, response?.GetType(), responseBytes, streamed,
                status.StatusCode, status.Detail, fault);
            return;
        }

        _journal.Record(service, method, startedAt, duration, request as IMessage, response, streamed, status.StatusCode, status.Detail, fault);
    }

    private sealed class CountingWriter<T> : IServerStreamWriter<T>
    {
        private readonly IServerStreamWriter<T> _inner;
        private int _count;

        public CountingWriter(IServerStreamWriter<T> inner)
        {
            _inner = inner;
        }

        public int Count => Volatile.Read(ref _count);

        public WriteOptions? WriteOptions
        {
            get => _inner.WriteOptions;
            set => _inner.WriteOptions = value;
        }

        public async Task WriteAsync(T message)
        {
            await _inner.WriteAsync(message).ConfigureAwait(false);
            Interlocked.Increment(ref _count);
        }

        public async Task WriteAsync(T message, CancellationToken cancellationToken)
        {
            await _inner.WriteAsync(message, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _count);
        }
    }
}
