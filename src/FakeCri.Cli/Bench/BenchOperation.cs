namespace FakeCri.Cli.Bench;

/// <summary>The CRI calls <c>fakecri bench</c> times, and the two lifecycles they make up, in report order.</summary>
internal enum BenchOperation
{
    RunPodSandbox,
    PodSandboxStatus,
    StopPodSandbox,
    RemovePodSandbox,
    PodLifecycle,
    CreateContainer,
    StartContainer,
    ContainerStatus,
    StopContainer,
    RemoveContainer,
    ContainerLifecycle,
}
