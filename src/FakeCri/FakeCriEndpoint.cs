using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace FakeCri;

/// <summary>How a <see cref="FakeCriEndpoint"/> is reached.</summary>
public enum FakeCriEndpointKind
{
    /// <summary>A unix domain socket, as kubelet and crictl use (<c>unix:///run/fakecri/fakecri.sock</c>).</summary>
    Unix,

    /// <summary>A TCP port, loopback by default (<c>tcp://127.0.0.1:0</c>; port 0 picks a free one).</summary>
    Tcp,
}

/// <summary>
/// A network door of the fake: a unix socket path or a TCP address, written the way CRI clients write runtime
/// endpoints (<c>unix:///path</c>, <c>tcp://127.0.0.1:port</c>).
/// </summary>
public sealed record FakeCriEndpoint
{
    private FakeCriEndpoint(FakeCriEndpointKind kind, string? socketPath, IPAddress? address, int port)
    {
        Kind = kind;
        SocketPath = socketPath;
        Address = address;
        Port = port;
    }

    /// <summary>Unix socket or TCP.</summary>
    public FakeCriEndpointKind Kind { get; }

    /// <summary>The absolute socket path, for <see cref="FakeCriEndpointKind.Unix"/>.</summary>
    public string? SocketPath { get; }

    /// <summary>The IP address, for <see cref="FakeCriEndpointKind.Tcp"/>.</summary>
    public IPAddress? Address { get; }

    /// <summary>The TCP port; 0 before start means "pick a free one".</summary>
    public int Port { get; }

    /// <summary>A unix domain socket at an absolute path.</summary>
    public static FakeCriEndpoint Unix(string socketPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        if (!Path.IsPathRooted(socketPath))
        {
            throw new ArgumentException($"unix socket path \"{socketPath}\" must be absolute", nameof(socketPath));
        }

        return new FakeCriEndpoint(FakeCriEndpointKind.Unix, Path.GetFullPath(socketPath), null, 0);
    }

    /// <summary>A TCP endpoint; loopback (127.0.0.1) unless an address is given, port 0 for any free port.</summary>
    public static FakeCriEndpoint Tcp(int port = 0, IPAddress? address = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        return new FakeCriEndpoint(FakeCriEndpointKind.Tcp, null, address ?? IPAddress.Loopback, port);
    }

    /// <summary>
    /// Parses <c>unix:///abs/path</c>, a bare absolute path (as crictl accepts), or <c>tcp://ip:port</c>
    /// (<c>localhost</c> means 127.0.0.1).
    /// </summary>
    /// <exception cref="FormatException">The text is not an endpoint; the message says why.</exception>
    public static FakeCriEndpoint Parse(string text)
    {
        if (TryParse(text, out var endpoint, out var error))
        {
            return endpoint;
        }

        throw new FormatException(error);
    }

    /// <summary>Like <see cref="Parse"/>, returning false and a reason instead of throwing.</summary>
    public static bool TryParse(
        string? text,
        [NotNullWhen(true)] out FakeCriEndpoint? endpoint,
        [NotNullWhen(false)] out string? error)
    {
        endpoint = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "endpoint is empty: use unix:///path/to.sock or tcp://127.0.0.1:port";
            return false;
        }

        text = text.Trim();
        if (text.StartsWith('/'))
        {
            endpoint = Unix(text);
            return true;
        }

        if (text.StartsWith("unix://", StringComparison.OrdinalIgnoreCase))
        {
            var path = text["unix://".Length..];
            if (!path.StartsWith('/'))
            {
                error = $"endpoint \"{text}\": a unix socket path must be absolute (unix:///path/to.sock)";
                return false;
            }

            endpoint = Unix(path);
            return true;
        }

        if (text.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase))
        {
            var hostPort = text["tcp://".Length..].TrimEnd('/');
            var colon = hostPort.LastIndexOf(':');
            if (colon <= 0 || colon == hostPort.Length - 1)
            {
                error = $"endpoint \"{text}\": expected tcp://host:port";
                return false;
            }

            var host = hostPort[..colon].Trim('[', ']');
            if (!int.TryParse(hostPort[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
                || port > IPEndPoint.MaxPort)
            {
                error = $"endpoint \"{text}\": port must be a number from 0 to {IPEndPoint.MaxPort}";
                return false;
            }

            IPAddress? address;
            if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                address = IPAddress.Loopback;
            }
            else if (!IPAddress.TryParse(host, out address))
            {
                error = $"endpoint \"{text}\": host must be an IP address or localhost";
                return false;
            }

            endpoint = Tcp(port, address);
            return true;
        }

        error = $"endpoint \"{text}\": unsupported scheme; use unix:///path/to.sock or tcp://127.0.0.1:port";
        return false;
    }

    /// <summary>The same endpoint with its real port, once the server has bound it.</summary>
    internal FakeCriEndpoint WithPort(int port) => new(Kind, SocketPath, Address, port);

    /// <summary>The endpoint as CRI clients write it: <c>unix:///path</c> or <c>tcp://ip:port</c>.</summary>
    public override string ToString() => Kind switch
    {
        FakeCriEndpointKind.Unix => "unix://" + SocketPath,
        _ => string.Create(
            CultureInfo.InvariantCulture,
            $"tcp://{(Address!.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{Address}]" : Address.ToString())}:{Port}"),
    };
}
