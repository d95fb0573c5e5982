using FakeCri.Cri.V1;
using Grpc.Core;

namespace FakeCri.Benchmarks.Hosting;

/// <summary>The floor's ImageService: PullImage answers a fixed response.</summary>
public sealed class NoOpImageService : ImageService.ImageServiceBase
{
    private readonly CannedResponses _canned;

    public NoOpImageService(CannedResponses canned)
    {
        _canned = canned;
    }

    public override Task<PullImageResponse> PullImage(PullImageRequest request, ServerCallContext context) =>
        Task.FromResult(_canned.PullImage);
}
