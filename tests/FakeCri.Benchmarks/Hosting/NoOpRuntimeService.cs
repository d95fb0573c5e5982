using FakeCri.Cri.V1;
using Grpc.Core;

namespace FakeCri.Benchmarks.Hosting;

/// <summary>
/// The floor's RuntimeService: the lifecycle RPCs answer a fixed response and do nothing else (no state, no
/// validation, no journal). Serialising a shared response message is thread-safe, so one instance serves all.
/// </summary>
public sealed class NoOpRuntimeService : RuntimeService.RuntimeServiceBase
{
    private readonly CannedResponses _canned;

    public NoOpRuntimeService(CannedResponses canned)
    {
        _canned = canned;
    }

    public override Task<VersionResponse> Version(VersionRequest request, ServerCallContext context) =>
        Task.FromResult(_canned.Version);

    public override Task<RunPodSandboxResponse> RunPodSandbox(RunPodSandboxRequest request, ServerCallContext context) =>
        Task.FromResult(_canned.RunPodSandbox);

    public override Task<PodSandboxStatusResponse> PodSandboxStatus(PodSandboxStatusRequest request, ServerCallContext context) =>
        Task.FromResult(_canned.PodSandboxStatus);

    public override Task<StopPodSandboxResponse> StopPodSandbox(StopPodSandboxRequest request, ServerCallContext context) =>
        Task.FromResult(_canned.StopPodSandbox);

    public override Task<RemovePodSandboxResponse> RemovePodSandbox(RemovePodSandboxRequest request, ServerCallContext context) =>
        Task.FromResult(_canned.RemovePodSandbox);

    public override Task<CreateContainerResponse> CreateContainer(CreateContainerRequest request, ServerCallContext context) =>
        Task.FromResult(_canned.CreateContainer);

    public override Task<StartContainerResponse> StartContainer(StartContainerRequest request, ServerCallContext context) =>
        Task.FromResult(_canned.StartContainer);

    public override Task<ContainerStatusResponse> ContainerStatus(ContainerStatusRequest request, ServerCallContext context) =>
        Task.FromResult(_canned.ContainerStatus);

    public override Task<StopContainerResponse> StopContainer(StopContainerRequest request, ServerCallContext context) =>
        Task.FromResult(_canned.StopContainer);

    public override Task<RemoveContainerResponse> RemoveContainer(RemoveContainerRequest request, ServerCallContext context) =>
        Task.FromResult(_canned.RemoveContainer);
}
