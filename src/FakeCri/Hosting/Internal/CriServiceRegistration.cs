using FakeCri.Faults;
using FakeCri.Faults.Internal;
using FakeCri.Journal;
using FakeCri.Journal.Internal;
using FakeCri.Runtime;
using FakeCri.Services.Internal;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FakeCri.Hosting.Internal;

/// <summary>
/// The one service registration every door shares: the CRI services over one <see cref="EmulatedRuntime"/>, plus
/// gRPC reflection and health so grpcurl-style tools can explore a running fake.
/// </summary>
internal static class CriServiceRegistration
{
    /// <summary>The service names the health service reports as SERVING (besides the overall <c>""</c>).</summary>
    /// <remarks>
    /// Written out, not read from the services' descriptors: the first descriptor read builds the reflection
    /// descriptors of every CRI message, the largest single piece of `fakecri serve`'s start-up. A test compares them.
    /// </remarks>
    public static readonly string[] HealthServiceNames = ["runtime.v1.RuntimeService", "runtime.v1.ImageService", "fakecri.control.v1.Control"];

    public static void AddCriServices(this IServiceCollection services, EmulatedRuntime runtime, CallJournal journal, FaultInjector faults)
    {
        services.AddSingleton(runtime);
        services.AddSingleton(journal);
        services.AddSingleton(faults);
        services.AddSingleton<JournalInterceptor>();
        services.AddSingleton<CriStatusInterceptor>();
        services.AddSingleton<FaultInterceptor>();
        services.AddGrpc(grpc =>
        {
            // Outermost first: the journal records what the client saw; status translation turns runtime errors
            // (and cancellations) into statuses; faults act just before the runtime, as a failing runtime would.
            grpc.Interceptors.Add<JournalInterceptor>();
            grpc.Interceptors.Add<CriStatusInterceptor>();
            grpc.Interceptors.Add<FaultInterceptor>();
            CriHost.ConfigureGrpc(grpc);
        });
        services.AddGrpcReflection();

        // The plain health service, with statuses set up front: the ASP.NET health-check bridge reports UNKNOWN
        // until its first background publish, and a fake must answer SERVING from its first call.
        var health = new HealthServiceImpl();
        health.SetStatus(string.Empty, HealthCheckResponse.Types.ServingStatus.Serving);
        foreach (var name in HealthServiceNames)
        {
            health.SetStatus(name, HealthCheckResponse.Types.ServingStatus.Serving);
        }

        services.AddSingleton(health);
    }

    /// <summary>The direct door: the same services and interceptors, dispatched without HTTP.</summary>
    public static DirectCallInvoker CreateDirectInvoker(IServiceProvider services)
    {
        var runtime = services.GetRequiredService<EmulatedRuntime>();
        var binder = new DirectServiceBinder(
        [
            services.GetRequiredService<JournalInterceptor>(),
            services.GetRequiredService<CriStatusInterceptor>(),
            services.GetRequiredService<FaultInterceptor>(),
        ]);
        Cri.V1.RuntimeService.BindService(binder, new RuntimeServiceAdapter(runtime));
        Cri.V1.ImageService.BindService(binder, new ImageServiceAdapter(runtime));
        Control.V1.Control.BindService(binder, new ControlServiceAdapter(runtime, services.GetRequiredService<CallJournal>(), services.GetRequiredService<FaultInjector>()));
        return new DirectCallInvoker(binder);
    }

    public static void MapCriServices(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<RuntimeServiceAdapter>();
        endpoints.MapGrpcService<ImageServiceAdapter>();
        endpoints.MapGrpcService<ControlServiceAdapter>();
        endpoints.MapGrpcReflectionService();
        endpoints.MapGrpcService<HealthServiceImpl>();
    }
}
