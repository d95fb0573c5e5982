using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using FakeCri.Streaming.Internal.Spdy;

namespace FakeCri.Tests.Streaming.Spdy;

/// <summary>
/// The client side of Kubernetes' SPDY streaming, written for the tests: the HTTP upgrade request kubelet's clients
/// send, then SYN_STREAM per channel (waiting for each SYN_REPLY), DATA with FIN for EOF, and a read loop that keeps
/// every frame it sees so tests can assert on the session's control traffic (GOAWAY, WINDOW_UPDATE, PING).
/// </summary>
internal sealed class SpdyTestClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly SpdyFrameReader _reader;
    private readonly SpdyFrameWriter _writer;
    private readonly ConcurrentDictionary<uint, ClientStream> _streams = new();
    private readonly ConcurrentDictionary<uint, TaskCompletionSource> _pings = new();
    private readonly ConcurrentQueue<SpdyFrame> _frames = new();
    private readonly TaskCompletionSource<SpdyGoAwayFrame> _goAway = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reading;
    private uint _nextId = 1;

    private SpdyTestClient(TcpClient tcp, Stream stream, string protocol)
    {
        _tcp = tcp;
        _reader = new SpdyFrameReader(stream);
        _writer = new SpdyFrameWriter(stream);
        Protocol = protocol;
        _reading = ReadAllAsync();
    }

    /// <summary>The protocol the server chose (its <c>X-Stream-Protocol-Version</c>).</summary>
    public string Protocol { get; }

    /// <summary>Every frame received so far, in order.</summary>
    public IReadOnlyList<SpdyFrame> Frames => [.. _frames];

    /// <summary>Completes when the server closes the connection.</summary>
    public Task Closed => _reading;

    /// <summary>Completes with the server's GOAWAY.</summary>
    public Task<SpdyGoAwayFrame> GoneAway => _goAway.Task;

    /// <summary>
    /// Sends the upgrade request (POST, as kubelet's clients do) offering <paramref name="protocols"/> in order;
    /// throws with the response head unless the answer is 101.
    /// </summary>
    public static async Task<SpdyTestClient> ConnectAsync(string url, IReadOnlyList<string> protocols, CancellationToken cancellationToken)
    {
        var uri = new Uri(url);
        var tcp = new TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port, cancellationToken);
        var stream = tcp.GetStream();
        var request = new StringBuilder()
            .Append($"POST {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.Authority}\r\n")
            .Append("Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nContent-Length: 0\r\n");
        foreach (var protocol in protocols)
        {
            request.Append($"X-Stream-Protocol-Version: {protocol}\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()), cancellationToken);

        // Read the response head byte by byte, so that no SPDY frame after it is swallowed.
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                break;
            }

            head.Append((char)one[0]);
        }

        var lines = head.ToString().Split("\r\n");
        if (!lines[0].StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
        {
            tcp.Dispose();
            throw new HttpRequestException($"upgrade refused: {head}");
        }

        var chosen = lines.Select(l => l.Split(": ", 2)).FirstOrDefault(p => p.Length == 2 && p[0].Equals("X-Stream-Protocol-Version", StringComparison.OrdinalIgnoreCase))?[1] ?? string.Empty;
        return new SpdyTestClient(tcp, stream, chosen);
    }

    /// <summary>Opens a stream with these headers and waits for the server's SYN_REPLY (or its reset).</summary>
    public async Task<ClientStream> OpenAsync(IEnumerable<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        var id = _nextId;
        _nextId += 2;
        var stream = new ClientStream(this, id);
        _streams[id] = stream;
        await _writer.WriteFrameAsync(new SpdySynStreamFrame(id, 0, 0, 0, false, false, [.. headers]), cancellationToken);
        await stream.Replied.WaitAsync(cancellationToken);
        return stream;
    }

    /// <summary>Opens a remote-command channel (header <c>streamtype</c>).</summary>
    public Task<ClientStream> OpenAsync(string streamType, CancellationToken cancellationToken) =>
        OpenAsync([new("streamtype", streamType)], cancellationToken);

    /// <summary>Sends a PING (client ids are odd) and waits for its echo.</summary>
    public async Task PingAsync(uint id, CancellationToken cancellationToken)
    {
        var echoed = _pings.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        await _writer.WriteFrameAsync(new SpdyPingFrame(id), cancellationToken);
        await echoed.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        try
        {
            await _reading;
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException or SocketException)
        {
        }

        _reader.Dispose();
        _writer.Dispose();
    }

    private async Task ReadAllAsync()
    {
        try
        {
            while (await _reader.ReadFrameAsync() is { } frame)
            {
                _frames.Enqueue(frame);
                switch (frame)
                {
                    case SpdySynReplyFrame reply when _streams.TryGetValue(reply.StreamId, out var stream):
                        stream.OnReply();
                        break;
                    case SpdyDataFrame data when _streams.TryGetValue(data.StreamId, out var stream):
                        stream.OnData(data.Data.ToArray(), data.Fin);
                        break;
                    case SpdyRstStreamFrame reset when _streams.TryGetValue(reset.StreamId, out var stream):
                        stream.OnReset(reset.Status);
                        break;
                    case SpdyGoAwayFrame goAway:
                        _goAway.TrySetResult(goAway);
                        break;
                    case SpdyPingFrame ping when _pings.TryGetValue(ping.Id, out var echoed):
                        echoed.TrySetResult();
                        break;
                }
            }
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException or SocketException)
        {
            // Closed under us.
        }
        finally
        {
            foreach (var stream in _streams.Values)
            {
                stream.OnData([], fin: true);
            }
        }
    }

    /// <summary>One client-opened stream.</summary>
    public sealed class ClientStream
    {
        private readonly SpdyTestClient _client;
        private readonly TaskCompletionSource _replied = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Channel<byte[]> _received = Channel.CreateUnbounded<byte[]>();

        public ClientStream(SpdyTestClient client, uint id)
        {
            _client = client;
            Id = id;
        }

        public uint Id { get; }

        public Task Replied => _replied.Task;

        /// <summary>The RST_STREAM status, if the server reset the stream.</summary>
        public SpdyRstStatus? ResetStatus { get; private set; }

        public ValueTask WriteAsync(string text, CancellationToken cancellationToken) =>
            WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);

        public ValueTask WriteAsync(byte[] data, CancellationToken cancellationToken) =>
            _client._writer.WriteFrameAsync(new SpdyDataFrame(Id, false, data), cancellationToken);

        /// <summary>Half-closes our side: the server reads EOF.</summary>
        public ValueTask CloseAsync(CancellationToken cancellationToken) =>
            _client._writer.WriteFrameAsync(new SpdyDataFrame(Id, true, ReadOnlyMemory<byte>.Empty), cancellationToken);

        /// <summary>Everything the server sends until its FIN (or reset, or the connection's end).</summary>
        public async Task<string> ReadToEndAsync(CancellationToken cancellationToken)
        {
            var text = new StringBuilder();
            await foreach (var chunk in _received.Reader.ReadAllAsync(cancellationToken))
            {
                text.Append(Encoding.UTF8.GetString(chunk));
            }

            return text.ToString();
        }

        /// <summary>Reads until what arrived contains <paramref name="expected"/>; returns all of it.</summary>
        public async Task<string> ReadUntilAsync(string expected, CancellationToken cancellationToken)
        {
            var text = new StringBuilder();
            while (!text.ToString().Contains(expected, StringComparison.Ordinal))
            {
                if (!await _received.Reader.WaitToReadAsync(cancellationToken))
                {
                    throw new EndOfStreamException($"stream {Id} ended before '{expected}' arrived; got '{text}'");
                }

                while (_received.Reader.TryRead(out var chunk))
                {
                    text.Append(Encoding.UTF8.GetString(chunk));
                }
            }

            return text.ToString();
        }

        internal void OnReply() => _replied.TrySetResult();

        internal void OnData(byte[] data, bool fin)
        {
            if (data.Length > 0)
            {
                _received.Writer.TryWrite(data);
            }

            if (fin)
            {
                _received.Writer.TryComplete();
            }
        }

        internal void OnReset(SpdyRstStatus status)
        {
            ResetStatus = status;
            _replied.TrySetResult();
            _received.Writer.TryComplete();
        }
    }
}
