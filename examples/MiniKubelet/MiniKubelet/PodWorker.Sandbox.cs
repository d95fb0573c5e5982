using FakeCri.Cri.V1;

namespace MiniKubelet;

public sealed partial class PodWorker
{
    private PodSandboxConfig? _sandboxConfig;
    private string? _sandboxId;

    /// <summary>
    /// RunPodSandbox: the pod's shared home (its network namespace and IP, held by the pause container). Every
    /// container is created in it.
    /// </summary>
    private async Task RunSandboxAsync(CancellationToken ct)
    {
        _sandboxConfig = CriConfigs.Sandbox(Pod);
        var sandbox = await _runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = _sandboxConfig }, cancellationToken: ct)
            .ConfigureAwait(false);
        _sandboxId = sandbox.PodSandboxId;
    }

    /// <summary>
    /// StopPodSandbox, then RemovePodSandbox (which removes its containers too). Stopping kills whatever still runs
    /// in the sandbox at once, with no grace: the graceful stop of the containers comes before this.
    /// </summary>
    private async Task RemoveSandboxAsync(CancellationToken ct)
    {
        if (_sandboxId is null)
        {
            return;
        }

        await _runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = _sandboxId }, cancellationToken: ct).ConfigureAwait(false);
        await _runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = _sandboxId }, cancellationToken: ct).ConfigureAwait(false);
        _sandboxId = null;
    }
}
