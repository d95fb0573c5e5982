using FakeCri.Cri.V1;
using FakeCri.Runtime;
using Grpc.Core;

namespace FakeCri.Services.Internal;

/// <summary>
/// Serves the 35 RuntimeService RPCs by handing each request to the <see cref="EmulatedRuntime"/>. Thin on purpose: no
/// behaviour lives here, so every door (in-process, unix socket, TCP) behaves the same.
/// </summary>
internal sealed class RuntimeServiceAdapter : RuntimeService.RuntimeServiceBase
{
    private readonly EmulatedRuntime _runtime;

    public RuntimeServiceAdapter(EmulatedRuntime runtime)
    {
        _runtime = runtime;
    }

    public override Task<VersionResponse> Version(VersionRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.Version(request));

    public override Task<RunPodSandboxResponse> RunPodSandbox(RunPodSandboxRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.RunPodSandbox(request));

    public override Task<StopPodSandboxResponse> StopPodSandbox(StopPodSandboxRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.StopPodSandbox(request));

    public override Task<RemovePodSandboxResponse> RemovePodSandbox(RemovePodSandboxRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.RemovePodSandbox(request));

    public override Task<PodSandboxStatusResponse> PodSandboxStatus(PodSandboxStatusRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.PodSandboxStatus(request));

    public override Task<ListPodSandboxResponse> ListPodSandbox(ListPodSandboxRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.ListPodSandbox(request));

    public override Task StreamPodSandboxes(
        StreamPodSandboxesRequest request,
        IServerStreamWriter<StreamPodSandboxesResponse> responseStream,
        ServerCallContext context) =>
        StreamBatches.WriteAsync(_runtime.ListPodSandbox(new ListPodSandboxRequest { Filter = request.Filter }).Items, batch => new StreamPodSandboxesResponse { PodSandboxes = { batch } }, responseStream, context.CancellationToken);

    public override Task<CreateContainerResponse> CreateContainer(CreateContainerRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.CreateContainer(request));

    public override Task<StartContainerResponse> StartContainer(StartContainerRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.StartContainer(request));

    public override Task<StopContainerResponse> StopContainer(StopContainerRequest request, ServerCallContext context) =>
        _runtime.StopContainerAsync(request, context.CancellationToken);

    public override Task<RemoveContainerResponse> RemoveContainer(RemoveContainerRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.RemoveContainer(request));

    public override Task<ListContainersResponse> ListContainers(ListContainersRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.ListContainers(request));

    public override Task StreamContainers(
        StreamContainersRequest request,
        IServerStreamWriter<StreamContainersResponse> responseStream,
        ServerCallContext context) =>
        StreamBatches.WriteAsync(_runtime.ListContainers(new ListContainersRequest { Filter = request.Filter }).Containers, batch => new StreamContainersResponse { Containers = { batch } }, responseStream, context.CancellationToken);

    public override Task<ContainerStatusResponse> ContainerStatus(ContainerStatusRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.ContainerStatus(request));

    public override Task<UpdateContainerResourcesResponse> UpdateContainerResources(UpdateContainerResourcesRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.UpdateContainerResources(request));

    public override Task<ReopenContainerLogResponse> ReopenContainerLog(ReopenContainerLogRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.ReopenContainerLog(request));

    public override Task<ExecSyncResponse> ExecSync(ExecSyncRequest request, ServerCallContext context) =>
        _runtime.ExecSyncAsync(request, context.CancellationToken);

    public override Task<ExecResponse> Exec(ExecRequest request, ServerCallContext context) =>
        _runtime.ExecAsync(request, context.CancellationToken);

    public override Task<AttachResponse> Attach(AttachRequest request, ServerCallContext context) =>
        _runtime.AttachAsync(request, context.CancellationToken);

    public override Task<PortForwardResponse> PortForward(PortForwardRequest request, ServerCallContext context) =>
        _runtime.PortForwardAsync(request, context.CancellationToken);

    public override Task<ContainerStatsResponse> ContainerStats(ContainerStatsRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.ContainerStats(request));

    public override Task<ListContainerStatsResponse> ListContainerStats(ListContainerStatsRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.ListContainerStats(request));

    public override Task StreamContainerStats(
        StreamContainerStatsRequest request,
        IServerStreamWriter<StreamContainerStatsResponse> responseStream,
        ServerCallContext context) =>
        StreamBatches.WriteAsync(_runtime.ListContainerStats(new ListContainerStatsRequest { Filter = request.Filter }).Stats, batch => new StreamContainerStatsResponse { ContainerStats = { batch } }, responseStream, context.CancellationToken);

    public override Task<PodSandboxStatsResponse> PodSandboxStats(PodSandboxStatsRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.PodSandboxStats(request));

    public override Task<ListPodSandboxStatsResponse> ListPodSandboxStats(ListPodSandboxStatsRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.ListPodSandboxStats(request));

    public override Task StreamPodSandboxStats(
        StreamPodSandboxStatsRequest request,
        IServerStreamWriter<StreamPodSandboxStatsResponse> responseStream,
        ServerCallContext context) =>
        StreamBatches.WriteAsync(_runtime.ListPodSandboxStats(new ListPodSandboxStatsRequest { Filter = request.Filter }).Stats, batch => new StreamPodSandboxStatsResponse { PodSandboxStats = { batch } }, responseStream, context.CancellationToken);

    public override Task<UpdateRuntimeConfigResponse> UpdateRuntimeConfig(UpdateRuntimeConfigRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.UpdateRuntimeConfig(request));

    public override Task<StatusResponse> Status(StatusRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.Status(request));

    public override Task<CheckpointContainerResponse> CheckpointContainer(CheckpointContainerRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.CheckpointContainer(request));

    public override async Task GetContainerEvents(
        GetEventsRequest request,
        IServerStreamWriter<ContainerEventResponse> responseStream,
        ServerCallContext context)
    {
        var events = _runtime.SubscribeToEvents(out var unsubscribe);
        try
        {
            await foreach (var evt in events.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
            {
                await responseStream.WriteAsync(evt, context.CancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The client went away; its subscription ends with it.
        }
        finally
        {
            unsubscribe();
        }
    }

    public override Task<ListMetricDescriptorsResponse> ListMetricDescriptors(ListMetricDescriptorsRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.ListMetricDescriptors(request));

    public override Task<ListPodSandboxMetricsResponse> ListPodSandboxMetrics(ListPodSandboxMetricsRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.ListPodSandboxMetrics(request));

    public override Task StreamPodSandboxMetrics(
        StreamPodSandboxMetricsRequest request,
        IServerStreamWriter<StreamPodSandboxMetricsResponse> responseStream,
        ServerCallContext context) =>
        StreamBatches.WriteAsync(_runtime.ListPodSandboxMetrics(new ListPodSandboxMetricsRequest()).PodMetrics, batch => new StreamPodSandboxMetricsResponse { PodSandboxMetrics = { batch } }, responseStream, context.CancellationToken);

    public override Task<RuntimeConfigResponse> RuntimeConfig(RuntimeConfigRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.RuntimeConfig(request));

    public override Task<UpdatePodSandboxResourcesResponse> UpdatePodSandboxResources(UpdatePodSandboxResourcesRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.UpdatePodSandboxResources(request));
}
