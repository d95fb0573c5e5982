using FakeCri.Cri.V1;
using FakeCri.Tests.Infrastructure;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;

namespace FakeCri.Tests.Hosting;

/// <summary>Every door serves the same CRI services, with reflection and health beside them.</summary>
public sealed class DoorTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Doors.All), MemberType = typeof(Doors))]
    public async Task Version_OverEachDoor_ReportsFakecriIdentity(Door door)
    {
        await using var cri = await Doors.StartAsync(door);

        var version = await cri.RuntimeClient.VersionAsync(new VersionRequest { Version = "v1" }, cancellationToken: Cancel);

        Assert.Equal("0.1.0", version.Version);
        Assert.Equal("fakecri", version.RuntimeName);
        Assert.Equal("0.1.0", version.RuntimeVersion);
        Assert.Equal("v1", version.RuntimeApiVersion);
    }

    [Theory]
    [MemberData(nameof(Doors.All), MemberType = typeof(Doors))]
    public async Task Status_OverEachDoor_ReportsRuntimeAndNetworkReady(Door door)
    {
        await using var cri = await Doors.StartAsync(door);

        var status = await cri.RuntimeClient.StatusAsync(new StatusRequest(), cancellationToken: Cancel);

        Assert.Collection(
            status.Status.Conditions,
            c => Assert.Equal(("RuntimeReady", true), (c.Type, c.Status)),
            c => Assert.Equal(("NetworkReady", true), (c.Type, c.Status)));
        Assert.Equal(["", "runc"], status.RuntimeHandlers.Select(h => h.Name));
        Assert.True(status.Features.SupplementalGroupsPolicy);
        Assert.Empty(status.Info);
    }

    [Theory]
    [MemberData(nameof(Doors.All), MemberType = typeof(Doors))]
    public async Task RuntimeConfig_OverEachDoor_ReportsSystemdByDefault(Door door)
    {
        await using var cri = await Doors.StartAsync(door);

        var config = await cri.RuntimeClient.RuntimeConfigAsync(new RuntimeConfigRequest(), cancellationToken: Cancel);

        Assert.Equal(CgroupDriver.Systemd, config.Linux.CgroupDriver);
    }

    [Theory]
    [MemberData(nameof(Doors.All), MemberType = typeof(Doors))]
    public async Task CreateHttpMessageHandler_OwnChannel_ReachesTheSameFake(Door door)
    {
        await using var cri = await Doors.StartAsync(door);
        using var channel = GrpcChannel.ForAddress(cri.BaseAddress, new GrpcChannelOptions
        {
            HttpHandler = cri.CreateHttpMessageHandler(),
        });

        var version = await new RuntimeService.RuntimeServiceClient(channel)
            .VersionAsync(new VersionRequest(), cancellationToken: Cancel);

        Assert.Equal("fakecri", version.RuntimeName);
    }

    [Theory]
    [MemberData(nameof(Doors.Network), MemberType = typeof(Doors))]
    public async Task Health_OnNetworkDoors_ReportsCriServicesServing(Door door)
    {
        await using var cri = await Doors.StartAsync(door);
        var health = new Health.HealthClient(cri.Channel);

        // The server writes these names out (reading the descriptors at start-up is slow); they must be the services'.
        string[] services = ["", RuntimeService.Descriptor.FullName, ImageService.Descriptor.FullName, FakeCri.Control.V1.Control.Descriptor.FullName];
        foreach (var service in services)
        {
            var reply = await health.CheckAsync(new HealthCheckRequest { Service = service }, cancellationToken: Cancel);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
        }
    }

    [Theory]
    [MemberData(nameof(Doors.Network), MemberType = typeof(Doors))]
    public async Task Reflection_OnNetworkDoors_ListsCriServices(Door door)
    {
        await using var cri = await Doors.StartAsync(door);
        var reflection = new ServerReflection.ServerReflectionClient(cri.Channel);

        using var call = reflection.ServerReflectionInfo(cancellationToken: Cancel);
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" }, Cancel);
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(Cancel));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        Assert.Contains("runtime.v1.RuntimeService", services);
        Assert.Contains("runtime.v1.ImageService", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }

    [Fact]
    public async Task StartAsync_TcpPortZero_ReportsTheBoundPort()
    {
        await using var cri = await Doors.StartAsync(Door.Tcp);

        var endpoint = Assert.Single(cri.Endpoints);
        Assert.Equal(FakeCriEndpointKind.Tcp, endpoint.Kind);
        Assert.InRange(endpoint.Port, 1, 65535);
        Assert.Equal($"tcp://127.0.0.1:{endpoint.Port}", endpoint.ToString());
        using var channel = FakeCriChannel.ForEndpoint(FakeCriEndpoint.Parse(endpoint.ToString()));
        var version = await new RuntimeService.RuntimeServiceClient(channel)
            .VersionAsync(new VersionRequest(), cancellationToken: Cancel);
        Assert.Equal("fakecri", version.RuntimeName);
    }

    [Fact]
    public async Task StartAsync_UnixAndTcpTogether_ServesOneRuntimeOnBoth()
    {
        var socket = TempSocket.NewPath();
        await using var cri = await FakeCriServer.StartAsync(
            FakeCriOptions.Default.WithListen(FakeCriEndpoint.Unix(socket), FakeCriEndpoint.Tcp()), Cancel);
        using var viaUnix = FakeCriChannel.ForEndpoint(cri.Endpoints[0]);
        using var viaTcp = FakeCriChannel.ForEndpoint(cri.Endpoints[1]);

        // State written through one door is read through the other: one runtime, two doors.
        await new RuntimeService.RuntimeServiceClient(viaUnix).UpdateRuntimeConfigAsync(
            new UpdateRuntimeConfigRequest
            {
                RuntimeConfig = new RuntimeConfig { NetworkConfig = new NetworkConfig { PodCidr = "10.244.0.0/24" } },
            },
            cancellationToken: Cancel);
        var status = await new RuntimeService.RuntimeServiceClient(viaTcp)
            .StatusAsync(new StatusRequest { Verbose = true }, cancellationToken: Cancel);

        Assert.Contains("\"podCidr\":\"10.244.0.0/24\"", status.Info["config"]);
    }

    [Fact]
    public async Task StartInProcessAsync_TwoInstances_AreIsolated()
    {
        await using var first = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);
        await using var second = await FakeCriServer.StartInProcessAsync(cancellationToken: Cancel);

        await first.RuntimeClient.UpdateRuntimeConfigAsync(
            new UpdateRuntimeConfigRequest
            {
                RuntimeConfig = new RuntimeConfig { NetworkConfig = new NetworkConfig { PodCidr = "10.1.0.0/16" } },
            },
            cancellationToken: Cancel);

        Assert.Equal("10.1.0.0/16", first.Runtime.PodCidr);
        Assert.Equal("", second.Runtime.PodCidr);
        Assert.True(first.IsInProcess);
        Assert.Empty(first.Endpoints);
    }

    [Fact]
    public async Task DisposeAsync_AfterStop_CallsFailWithUnavailable()
    {
        var cri = await Doors.StartAsync(Door.UnixSocket);
        var endpoint = cri.Endpoints[0];
        await cri.DisposeAsync();
        using var channel = FakeCriChannel.ForEndpoint(endpoint);

        var error = await Assert.ThrowsAsync<RpcException>(() => new RuntimeService.RuntimeServiceClient(channel)
            .VersionAsync(new VersionRequest(), cancellationToken: Cancel).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }
}
