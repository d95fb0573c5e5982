using FakeCri.Runtime;
using FakeCri.Services.Internal;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace FakeCri.Faults.Internal;

/// <summary>
/// Applies the <see cref="FaultInjector"/>'s rules to CRI calls before they reach the runtime: waits the injected
/// latency on the runtime's clock, then fails the call or lets it through. What it did is left in the call's user
/// state for the journal, which sits outside it.
/// </summary>
internal sealed class FaultInterceptor : Interceptor
{
    /// <summary>The <see cref="ServerCallContext.UserState"/> key under which the applied faults are noted.</summary>
    public const string AppliedKey = "fakecri.faults";

    private readonly FaultInjector _faults;
    private readonly EmulatedRuntime _runtime;

    public FaultInterceptor(FaultInjector faults, EmulatedRuntime runtime)
    {
        _faults = faults;
        _runtime = runtime;
    }

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation) =>
        _faults.HasRules ? ApplyThenContinueAsync(request, context, continuation) : continuation(request, context);

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await ApplyAsync(request, context).ConfigureAwait(false);
        await continuation(request, responseStream, context).ConfigureAwait(false);
    }

    private async Task<TResponse> ApplyThenContinueAsync<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
        where TRequest : class
        where TResponse : class
    {
        await ApplyAsync(request, context).ConfigureAwait(false);
        return await continuation(request, context).ConfigureAwait(false);
    }

    private async Task ApplyAsync(object request, ServerCallContext context)
    {
        if (request is not IMessage message || !CriMethod.TryParse(context.Method, out _, out var method))
        {
            return;
        }

        var (latency, failure, applied) = _faults.Decide(() => FaultCallDescriber.Describe(_runtime, method, message));
        if (applied.Count == 0)
        {
            return;
        }

        context.UserState[AppliedKey] = string.Join("; ", applied.Select(r => r.Description));
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, _runtime.Clock, context.CancellationToken).ConfigureAwait(false);
        }

        if (failure is not null)
        {
            throw new RpcException(new Status(failure.Code, failure.Message));
        }
    }
}
