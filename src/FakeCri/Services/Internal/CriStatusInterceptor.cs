using FakeCri.Runtime;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace FakeCri.Services.Internal;

/// <summary>
/// Turns the runtime's <see cref="CriException"/> into the gRPC status a client sees, in one place for every RPC.
/// Anything else escaping the runtime is a FakeCri bug: it is logged and answered with UNKNOWN (what containerd
/// answers for an error it cannot classify) rather than INTERNAL, so clients see the same shape either way.
/// </summary>
internal sealed class CriStatusInterceptor : Interceptor
{
    private readonly ILogger<CriStatusInterceptor> _logger;

    public CriStatusInterceptor(ILogger<CriStatusInterceptor> logger)
    {
        _logger = logger;
    }

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (Exception exception) when (Translate(exception, context) is { } status)
        {
            throw status;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception exception) when (Translate(exception, context) is { } status)
        {
            throw status;
        }
    }

    private RpcException? Translate(Exception exception, ServerCallContext context)
    {
        switch (exception)
        {
            case CriException cri:
                GrpcLog.CallFailed(_logger, context.Method, cri.Code, cri.Message);
                return new RpcException(new Status(cri.Code, cri.Message));
            case RpcException:
                return null;
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                return new RpcException(new Status(StatusCode.Cancelled, "call cancelled by the client"));
            default:
                GrpcLog.UnexpectedFailure(_logger, exception, context.Method);
                return new RpcException(new Status(StatusCode.Unknown, $"{context.Method}: {exception.Message}"));
        }
    }
}
