using FakeCri.Cri.V1;
using FakeCri.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace FakeCri.Tests.Processes;

/// <summary>The shell's <c>exec</c>: the program replaces the shell, keeping its PID.</summary>
public sealed class ShellExecTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ExecTop_StoppedWithGracePeriod_TopAsPid1EndsOnSigterm()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithTimeProvider(clock), Cancel);
        var id = cri.Runtime.SeedContainer(ContainerSeed.For(cri.Runtime.SeedSandbox(SandboxSeed.For("p")), "app", "busybox", 0, "sh", "-c", "exec top"));

        var ps = await cri.RuntimeClient.ExecSyncAsync(new ExecSyncRequest { ContainerId = id, Cmd = { "ps" } }, cancellationToken: Cancel);
        await cri.RuntimeClient.StopContainerAsync(new StopContainerRequest { ContainerId = id, Timeout = 30 }, cancellationToken: Cancel);

        Assert.Matches(@"\n\s*1 \S+\s+0:00 top\n", ps.Stdout.ToStringUtf8());
        var status = (await cri.RuntimeClient.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id }, cancellationToken: Cancel)).Status;
        Assert.Equal((ContainerState.ContainerExited, 143), (status.State, status.ExitCode));
    }
}
