using System.Net;

namespace FakeCri.Tests.Hosting;

public sealed class FakeCriEndpointTests
{
    [Theory]
    [InlineData("unix:///run/fakecri/fakecri.sock", "unix:///run/fakecri/fakecri.sock")]
    [InlineData("/run/containerd/containerd.sock", "unix:///run/containerd/containerd.sock")]
    [InlineData("tcp://127.0.0.1:0", "tcp://127.0.0.1:0")]
    [InlineData("tcp://localhost:1234", "tcp://127.0.0.1:1234")]
    [InlineData("tcp://[::1]:50051", "tcp://[::1]:50051")]
    public void Parse_ValidEndpoint_RoundTripsAsClientsWriteIt(string text, string expected)
    {
        Assert.Equal(expected, FakeCriEndpoint.Parse(text).ToString());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("unix://relative.sock", "must be absolute")]
    [InlineData("tcp://127.0.0.1", "tcp://host:port")]
    [InlineData("tcp://127.0.0.1:99999", "port must be")]
    [InlineData("tcp://example.com:80", "IP address")]
    [InlineData("npipe:////./pipe/containerd", "unsupported scheme")]
    public void Parse_InvalidEndpoint_ExplainsTheProblem(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => FakeCriEndpoint.Parse(text));

        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Tcp_NoAddress_BindsLoopbackOnly()
    {
        Assert.Equal(IPAddress.Loopback, FakeCriEndpoint.Tcp().Address);
    }
}
