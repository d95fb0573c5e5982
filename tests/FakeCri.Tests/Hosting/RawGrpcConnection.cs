using System.Buffers.Binary;
using System.Net.Sockets;
using FakeCri.Hosting.Internal;
using Google.Protobuf;

namespace FakeCri.Tests.Hosting;

/// <summary>
/// A bare HTTP/2 gRPC client over one connection that sends header blocks exactly as the test encodes them, so a
/// test controls every octet of <c>:authority</c> (SocketsHttpHandler never sends a Host it cannot parse).
/// Unary calls only, one at a time.
/// </summary>
internal sealed class RawGrpcConnection : IAsyncDisposable
{
    private const byte DataType = 0x0;
    private const byte HeadersType = 0x1;
    private const byte RstStreamType = 0x3;
    private const byte SettingsType = 0x4;
    private const byte GoAwayType = 0x7;
    private const byte ContinuationType = 0x9;
    private const byte EndStream = 0x1;
    private const byte Ack = 0x1;
    private const byte EndHeaders = 0x4;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly HpackDecoder _responseDecoder = new();
    private int _nextStreamId = 1;

    private RawGrpcConnection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>Connects and sends the connection preface and an empty SETTINGS frame.</summary>
    public static async Task<RawGrpcConnection> ConnectAsync(FakeCriEndpoint endpoint, CancellationToken cancellationToken)
    {
        var socket = endpoint.Kind == FakeCriEndpointKind.Unix
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endpoint.Address!.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        System.Net.EndPoint remote = endpoint.Kind == FakeCriEndpointKind.Unix
            ? new UnixDomainSocketEndPoint(endpoint.SocketPath!)
            : new System.Net.IPEndPoint(endpoint.Address!, endpoint.Port);
        await socket.ConnectAsync(remote, cancellationToken);
        var connection = new RawGrpcConnection(socket);
        await connection._stream.WriteAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray(), cancellationToken);
        await connection.WriteFrameAsync(SettingsType, 0, 0, [], cancellationToken);
        return connection;
    }

    /// <summary>
    /// Sends one unary call on a new stream: <paramref name="headerBlock"/> as one HEADERS frame, then
    /// <paramref name="request"/> as the only message. Reads until that stream ends or is reset.
    /// </summary>
    public async Task<RawGrpcResult> CallAsync(byte[] headerBlock, IMessage request, CancellationToken cancellationToken)
    {
        var streamId = _nextStreamId;
        _nextStreamId += 2;
        await WriteFrameAsync(HeadersType, EndHeaders, streamId, headerBlock, cancellationToken);
        var message = request.ToByteArray();
        var body = new byte[5 + message.Length];
        BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(1), message.Length);
        message.CopyTo(body, 5);
        await WriteFrameAsync(DataType, EndStream, streamId, body, cancellationToken);

        var headers = new List<HpackHeaderField>();
        var data = new MemoryStream();
        var block = new MemoryStream();
        while (true)
        {
            var (type, flags, frameStream, payload) = await ReadFrameAsync(cancellationToken);
            switch (type)
            {
                case SettingsType when (flags & Ack) == 0:
                    await WriteFrameAsync(SettingsType, Ack, 0, [], cancellationToken);
                    break;
                case GoAwayType:
                    return RawGrpcResult.Refused($"GOAWAY error {BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(4))}");
                case RstStreamType when frameStream == streamId:
                    return RawGrpcResult.Refused($"RST_STREAM error {BinaryPrimitives.ReadUInt32BigEndian(payload)}");
                case HeadersType or ContinuationType when frameStream == streamId:
                    var start = type == HeadersType ? HeadersFragmentStart(flags) : 0;
                    var end = payload.Length - (type == HeadersType && (flags & 0x8) != 0 ? payload[0] : 0);
                    block.Write(payload, start, end - start);
                    if ((flags & EndHeaders) != 0)
                    {
                        Assert.True(_responseDecoder.TryDecode(block.ToArray(), headers), "response headers must decode");
                        block.SetLength(0);
                    }

                    if ((flags & EndStream) != 0)
                    {
                        return RawGrpcResult.Completed(headers, data.ToArray());
                    }

                    break;
                case DataType when frameStream == streamId:
                    data.Write(payload);
                    if ((flags & EndStream) != 0)
                    {
                        return RawGrpcResult.Completed(headers, data.ToArray());
                    }

                    break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _socket.Dispose();
    }

    private static int HeadersFragmentStart(byte flags) =>
        ((flags & 0x8) != 0 ? 1 : 0) + ((flags & 0x20) != 0 ? 5 : 0); // PADDED: pad length; PRIORITY: 5 octets

    private async Task WriteFrameAsync(byte type, byte flags, int streamId, byte[] payload, CancellationToken cancellationToken)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), streamId);
        payload.CopyTo(frame, 9);
        await _stream.WriteAsync(frame, cancellationToken);
    }

    private async Task<(byte Type, byte Flags, int StreamId, byte[] Payload)> ReadFrameAsync(CancellationToken cancellationToken)
    {
        var header = new byte[9];
        await _stream.ReadExactlyAsync(header, cancellationToken);
        var payload = new byte[(header[0] << 16) | (header[1] << 8) | header[2]];
        await _stream.ReadExactlyAsync(payload, cancellationToken);
        return (header[3], header[4], BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & int.MaxValue, payload);
    }
}

/// <summary>How a raw call ended: a completed response, or a refusal (stream reset or connection closed).</summary>
internal sealed record RawGrpcResult(string? Refusal, IReadOnlyList<HpackHeaderField> Headers, byte[] Body)
{
    public static RawGrpcResult Refused(string why) => new(why, [], []);

    public static RawGrpcResult Completed(IReadOnlyList<HpackHeaderField> headers, byte[] body) => new(null, headers, body);

    /// <summary>The value of the named response header or trailer, or null.</summary>
    public string? Header(string name) =>
        Headers.Where(h => h.ToString().StartsWith(name + ": ", StringComparison.Ordinal))
            .Select(h => System.Text.Encoding.Latin1.GetString(h.Value))
            .FirstOrDefault();

    /// <summary>The single gRPC message of the body, parsed.</summary>
    public T Message<T>(MessageParser<T> parser)
        where T : IMessage<T>
    {
        Assert.True(Body.Length >= 5, "the response must carry a message");
        return parser.ParseFrom(Body.AsSpan(5, BinaryPrimitives.ReadInt32BigEndian(Body.AsSpan(1))));
    }
}
