using System.Net.Sockets;
using FakeCri.Cri.V1;
using FakeCri.Tests.Infrastructure;

namespace FakeCri.Tests.Hosting;

/// <summary>What the unix socket door does with whatever already sits at its path.</summary>
public sealed class UnixSocketTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DisposeAsync_SocketItCreated_RemovesTheFile()
    {
        var path = TempSocket.NewPath();
        var cri = await FakeCriServer.StartAsync(FakeCriOptions.Default.WithListen(FakeCriEndpoint.Unix(path)), Cancel);
        Assert.True(File.Exists(path));

        await cri.DisposeAsync();

        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task StartAsync_StaleSocketFromDeadServer_ReplacesIt()
    {
        var path = TempSocket.NewPath();
        using (var dead = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            // Bound, never listening, then closed. .NET unlinks the path it bound on close, so the socket file is
            // moved away first: what stays is exactly what a killed server leaves behind.
            dead.Bind(new UnixDomainSocketEndPoint(path + ".tmp"));
            File.Move(path + ".tmp", path);
        }

        Assert.True(File.Exists(path));

        await using var cri = await FakeCriServer.StartAsync(FakeCriOptions.Default.WithListen(FakeCriEndpoint.Unix(path)), Cancel);
        var version = await cri.RuntimeClient.VersionAsync(new VersionRequest(), cancellationToken: Cancel);

        Assert.Equal("fakecri", version.RuntimeName);
    }

    [Fact]
    public async Task StartAsync_RegularFileAtPath_RefusesAndLeavesFileUntouched()
    {
        var path = TempSocket.NewPath();
        await File.WriteAllTextAsync(path, "not a socket", Cancel);

        var error = await Assert.ThrowsAsync<FakeCriStartupException>(() =>
            FakeCriServer.StartAsync(FakeCriOptions.Default.WithListen(FakeCriEndpoint.Unix(path)), Cancel));

        Assert.Contains(path, error.Message);
        Assert.Contains("not a unix socket", error.Message);
        Assert.Equal("not a socket", await File.ReadAllTextAsync(path, Cancel));
    }

    [Fact]
    public async Task StartAsync_LiveServerAtPath_RefusesAndKeepsItServing()
    {
        var path = TempSocket.NewPath();
        await using var live = await FakeCriServer.StartAsync(FakeCriOptions.Default.WithListen(FakeCriEndpoint.Unix(path)), Cancel);

        var error = await Assert.ThrowsAsync<FakeCriStartupException>(() =>
            FakeCriServer.StartAsync(FakeCriOptions.Default.WithListen(FakeCriEndpoint.Unix(path)), Cancel));

        Assert.Contains("already listening", error.Message);
        var version = await live.RuntimeClient.VersionAsync(new VersionRequest(), cancellationToken: Cancel);
        Assert.Equal("fakecri", version.RuntimeName);
    }

    [Fact]
    public async Task StartAsync_DirectoryMissing_CreatesIt()
    {
        var path = Path.Combine(TempSocket.NewDirectory(), "nested", "deeper", "cri.sock");

        await using var cri = await FakeCriServer.StartAsync(FakeCriOptions.Default.WithListen(FakeCriEndpoint.Unix(path)), Cancel);

        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task StartAsync_PathLongerThanSunPath_RefusesNamingTheLimit()
    {
        var path = Path.Combine(TempSocket.NewDirectory(), new string('x', 120) + ".sock");

        var error = await Assert.ThrowsAsync<FakeCriStartupException>(() =>
            FakeCriServer.StartAsync(FakeCriOptions.Default.WithListen(FakeCriEndpoint.Unix(path)), Cancel));

        Assert.Contains("at most 107", error.Message);
    }
}
