using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace FakeCri.Runtime.Internal;

/// <summary>
/// Hands out pod IPs from an IPv4 CIDR the way a host-local CNI range does: the network address and the first
/// host (the bridge gateway) are skipped, the broadcast address too, and addresses come next-fit so a freed IP is
/// not reused at once. The default range is loopback (127.88.0.0/16), so emulated pod servers can listen on it
/// for real without touching any other network. Not thread-safe: the runtime lock guards it.
/// </summary>
internal sealed class PodIpam
{
    private readonly uint _first;
    private readonly uint _last;
    private readonly HashSet<uint> _allocated = [];
    private uint _next;

    public PodIpam(string cidr)
    {
        if (!TryParseIPv4Cidr(cidr, out var network, out var prefixLength) || prefixLength > 30)
        {
            throw new ArgumentException(
                $"pod CIDR \"{cidr}\" must be an IPv4 network in CIDR form with room for pods, e.g. 127.88.0.0/16",
                nameof(cidr));
        }

        var size = 1u << (32 - prefixLength);
        Cidr = cidr;
        _first = network + 2;
        _last = network + size - 2;
        _next = _first;
    }

    public string Cidr { get; }

    public int Allocated => _allocated.Count;

    public bool TryAllocate(out string ip)
    {
        var capacity = _last - _first + 1;
        for (var i = 0u; i < capacity; i++)
        {
            var candidate = _next;
            _next = _next == _last ? _first : _next + 1;
            if (_allocated.Add(candidate))
            {
                ip = Format(candidate);
                return true;
            }
        }

        ip = string.Empty;
        return false;
    }

    public void Release(string ip)
    {
        if (IPAddress.TryParse(ip, out var address) && address.AddressFamily == AddressFamily.InterNetwork)
        {
            _allocated.Remove(BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes()));
        }
    }

    public static bool TryParseIPv4Cidr(string text, out uint network, out int prefixLength)
    {
        network = 0;
        prefixLength = 0;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0
            || !IPAddress.TryParse(text.AsSpan(0, slash), out var address)
            || address.AddressFamily != AddressFamily.InterNetwork
            || !int.TryParse(text.AsSpan(slash + 1), out prefixLength)
            || prefixLength is < 0 or > 32)
        {
            return false;
        }

        var mask = prefixLength == 0 ? 0u : uint.MaxValue << (32 - prefixLength);
        network = BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes()) & mask;
        return true;
    }

    private static string Format(uint address)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, address);
        return new IPAddress(bytes).ToString();
    }
}
