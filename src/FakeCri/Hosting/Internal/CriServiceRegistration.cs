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
    public static readonly string[] HealthServiceNames =
        [Cri.V1.RuntimeService.Descriptor.FullName, Cri.V1.ImageService.Descriptor.FullName];

    public static void AddCriServices(this IServiceCollection services, EmulatedRuntime runtime)
    {
        services.AddSingleton(runtime);
        services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<CriStatusInterceptor>();
            // A runtime sends large lists (ListContainers on a busy node); containerd allows 16 MiB.
            grpc.MaxReceiveMessageSize = 16 * 1024 * 1024;
            grpc.MaxSendMessageSize = 16 * 1024 * 1024;
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

    public static void MapCriServices(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<RuntimeServiceAdapter>();
        endpoints.MapGrpcService<ImageServiceAdapter>();
        endpoints.MapGrpcReflectionService();
        endpoints.MapGrpcService<HealthServiceImpl>();
    }
}
