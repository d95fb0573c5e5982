using FakeCri.Cri.V1;
using Grpc.Core;

namespace MiniKubelet;

public sealed partial class PodWorker
{
    /// <summary>Makes every image the pod needs present, each once, in spec order.</summary>
    /// <remarks>kubelet pulls each image just before it creates the container; pulling first keeps the steps apart.</remarks>
    private async Task PullImagesAsync(CancellationToken ct)
    {
        foreach (var image in AllContainers.Select(c => c.Spec.Image).Distinct())
        {
            await EnsureImageAsync(image, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Asks first (ImageStatus): an image already present is not pulled again, as with kubelet's IfNotPresent. A
    /// failed pull is retried after 1s, 2s, 4s … (the options' back-off); meanwhile the containers that need the
    /// image are Waiting with reason ImagePullBackOff.
    /// </summary>
    private async Task EnsureImageAsync(string image, CancellationToken ct)
    {
        var spec = new ImageSpec { Image = image };
        var status = await _images.ImageStatusAsync(new ImageStatusRequest { Image = spec }, cancellationToken: ct).ConfigureAwait(false);
        if (status.Image is not null)
        {
            return; // An unknown image is not an error in CRI: the answer just has no image.
        }

        var needIt = AllContainers.Where(c => c.Spec.Image == image).ToList();
        for (var failures = 0; ; failures++)
        {
            try
            {
                await _images.PullImageAsync(new PullImageRequest { Image = spec }, cancellationToken: ct).ConfigureAwait(false);
                break;
            }
            catch (RpcException error) when (!ct.IsCancellationRequested)
            {
                var backoff = Backoff.Delay(failures, Options.ImagePullBackoff, Options.MaxImagePullBackoff);
                foreach (var container in needIt)
                {
                    container.State = new Waiting(
                        Waiting.ImagePullBackOff, $"Back-off {backoff.TotalSeconds}s pulling image \"{image}\": {error.Status.Detail}");
                }

                await SleepAsync(backoff, ct).ConfigureAwait(false);
            }
        }

        foreach (var container in needIt)
        {
            container.State = container.InitialState;
        }
    }
}
