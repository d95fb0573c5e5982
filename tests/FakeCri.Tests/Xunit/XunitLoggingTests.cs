using FakeCri.Cri.V1;
using FakeCri.Xunit;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace FakeCri.Tests.Xunit;

/// <summary>
/// <see cref="XunitLogging"/> writes each line to the output of the test running when it is written, and drops
/// lines written where no test is running.
/// </summary>
public sealed class XunitLoggingTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string Output => TestContext.Current.TestOutputHelper!.Output;

    [Fact]
    public async Task StartInProcessAsync_DuringATest_WritesTheStartLineToThatTestsOutput()
    {
        using var logging = XunitLogging.CreateLoggerFactory();

        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithLoggerFactory(logging), Cancel);

        Assert.Contains("[info] FakeCri.FakeCriServer: FakeCri started in-process (no sockets)", Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InitializeAsync_FixtureMadeInTheTest_WritesTheStartLineToThatTestsOutput()
    {
        await using var cri = new FakeCriFixture();

        await cri.InitializeAsync();

        Assert.Contains("FakeCri started in-process (no sockets)", Output, StringComparison.Ordinal);
    }

    // Lines written while the fake serves a call reach the test only if the in-process server runs the call on the
    // caller's execution context; TestServer does so only with PreserveExecutionContext = true (FakeCriServer).
    [Fact]
    public async Task FailedCall_AtDebug_WritesTheFailureToThatTestsOutput()
    {
        using var logging = XunitLogging.CreateLoggerFactory(LogLevel.Debug);
        await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithLoggerFactory(logging), Cancel);

        await Assert.ThrowsAsync<RpcException>(async () => await cri.RuntimeClient.ContainerStatusAsync(
            new ContainerStatusRequest { ContainerId = "missing" }, cancellationToken: Cancel));

        Assert.Contains("ContainerStatus failed with NotFound", Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_BelowTheMinimum_IsNotWritten()
    {
        using var logging = XunitLogging.CreateLoggerFactory(LogLevel.Warning);
        var logger = logging.CreateLogger("Probe");

        logger.LogInformation("quiet line");
        logger.LogWarning("loud line");

        Assert.DoesNotContain("quiet line", Output, StringComparison.Ordinal);
        Assert.Contains("[warn] Probe: loud line", Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_WithException_WritesTheExceptionAfterTheMessage()
    {
        using var logging = XunitLogging.CreateLoggerFactory();
        var logger = logging.CreateLogger("Probe");

        logger.LogError(new InvalidOperationException("boom"), "it failed");

        Assert.Contains("[error] Probe: it failed" + Environment.NewLine + "System.InvalidOperationException: boom", Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Log_WhereNoTestIsRunning_IsDroppedWithoutThrowing()
    {
        using var logging = XunitLogging.CreateLoggerFactory();
        var logger = logging.CreateLogger("Probe");

        // A thread the test's context does not flow to sees no running test, like a fixture starting up.
        Task outside;
        using (ExecutionContext.SuppressFlow())
        {
            outside = Task.Run(() => logger.LogInformation("line from nowhere"), Cancel);
        }

        await outside;
        Assert.DoesNotContain("line from nowhere", Output, StringComparison.Ordinal);
    }
}
