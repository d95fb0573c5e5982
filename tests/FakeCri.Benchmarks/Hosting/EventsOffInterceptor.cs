using System.Linq.Expressions;
using System.Reflection;
using FakeCri.Runtime;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace FakeCri.Benchmarks.Hosting;

/// <summary>
/// Measurement only: runs each call with the runtime's container events switched off, to price them. FakeCri has
/// no such switch; its seeding code suppresses events through a thread-static flag (<c>_seeding</c>), which this
/// sets around the adapter call. The lifecycle RPCs publish synchronously inside that call, so all their events
/// are suppressed — except the STOPPED event of a container stopped gracefully, which the exiting process
/// publishes on its own thread. The flag also lets CreateContainer into a stopped sandbox, which no benchmark does.
/// </summary>
public sealed class EventsOffInterceptor : Interceptor
{
    private static readonly Action<bool> SetSeeding = CompileSetter();

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Task<TResponse> call;
        SetSeeding(true);
        try
        {
            call = continuation(request, context);
        }
        finally
        {
            SetSeeding(false);
        }

        return await call;
    }

    private static Action<bool> CompileSetter()
    {
        var field = typeof(EmulatedRuntime).GetField("_seeding", BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new InvalidOperationException("EmulatedRuntime._seeding is gone: update EventsOffInterceptor");
        var value = Expression.Parameter(typeof(bool));
        // An expression tree writes the [ThreadStatic] field as compiled code would (reflection's SetValue does too, slower).
        return Expression.Lambda<Action<bool>>(Expression.Assign(Expression.Field(null, field), value), value).Compile();
    }
}
