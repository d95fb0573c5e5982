namespace FakeCri.Cli.Bench;

/// <summary>What one <c>fakecri bench</c> run does, as the command line asked for it.</summary>
/// <param name="Endpoint">The CRI endpoint to load; null with <paramref name="InProcess"/>.</param>
/// <param name="InProcess">Start a fake in this process and call it through its direct invoker.</param>
/// <param name="Pods">Measured pod lifecycles (RunPodSandbox, PodSandboxStatus, StopPodSandbox, RemovePodSandbox).</param>
/// <param name="Containers">Measured container lifecycles (Create, Start, Status, Stop, Remove), in sandboxes of their own.</param>
/// <param name="Parallel">Concurrent clients; each runs whole lifecycles, one after another.</param>
/// <param name="Warmup">Unmeasured lifecycles of each kind run first (JIT, connections, caches).</param>
/// <param name="Image">The image the containers run; pulled before anything is measured.</param>
/// <param name="StopTimeout">StopContainer's grace period in seconds, as kubelet sends it.</param>
/// <param name="Json">Print the result as one JSON object instead of a table.</param>
internal sealed record BenchSettings(
    FakeCriEndpoint? Endpoint,
    bool InProcess,
    int Pods,
    int Containers,
    int Parallel,
    int Warmup,
    string Image,
    long StopTimeout,
    bool Json)
{
    /// <summary>Where the numbers came from, for the report: the endpoint, or <c>in-process</c>.</summary>
    public string Target => InProcess ? "in-process (direct invoker)" : Endpoint!.ToString();
}
