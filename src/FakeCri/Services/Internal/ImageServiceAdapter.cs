using FakeCri.Cri.V1;
using FakeCri.Runtime;
using Grpc.Core;

namespace FakeCri.Services.Internal;

/// <summary>
/// Serves the 6 ImageService RPCs by handing each request to the <see cref="EmulatedRuntime"/>. Thin on purpose: no
/// behaviour lives here, so every door (in-process, unix socket, TCP) behaves the same.
/// </summary>
internal sealed class ImageServiceAdapter : ImageService.ImageServiceBase
{
    private readonly EmulatedRuntime _runtime;

    public ImageServiceAdapter(EmulatedRuntime runtime)
    {
        _runtime = runtime;
    }

    public override Task<ListImagesResponse> ListImages(ListImagesRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.ListImages(request));

    public override Task StreamImages(
        StreamImagesRequest request,
        IServerStreamWriter<StreamImagesResponse> responseStream,
        ServerCallContext context) =>
        StreamBatches.WriteAsync(_runtime.ListImages(new ListImagesRequest { Filter = request.Filter }).Images, batch => new StreamImagesResponse { Images = { batch } }, responseStream, context.CancellationToken);

    public override Task<ImageStatusResponse> ImageStatus(ImageStatusRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.ImageStatus(request));

    public override Task<PullImageResponse> PullImage(PullImageRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.PullImage(request));

    public override Task<RemoveImageResponse> RemoveImage(RemoveImageRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.RemoveImage(request));

    public override Task<ImageFsInfoResponse> ImageFsInfo(ImageFsInfoRequest request, ServerCallContext context) =>
        Task.FromResult(_runtime.ImageFsInfo(request));
}
