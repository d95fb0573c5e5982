using System.Threading.Channels;

namespace FakeCri.Streaming.Internal.Spdy;

/// <summary>
/// One client-opened stream of a <see cref="SpdySession"/>: its SYN_STREAM headers, the bytes the client sends
/// (ending at its FIN or reset), and our half — reply, data, FIN, reset.
/// </summary>
internal sealed class SpdyStream
{
    private readonly SpdySession _session;
    private readonly Channel<ReadOnlyMemory<byte>> _received = Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly SemaphoreSlim _writing = new(1, 1);
    private int _unacknowledged;
    private bool _localClosed;
    private volatile bool _reset;

    public SpdyStream(SpdySession session, uint id, IReadOnlyList<KeyValuePair<string, string>> headers, bool remoteClosed)
    {
        _session = session;
        Id = id;
        Headers = headers;
        if (remoteClosed)
        {
            _received.Writer.TryComplete();
        }
    }

    public uint Id { get; }

    /// <summary>The SYN_STREAM headers; SPDY names are lowercase (<c>streamtype</c>, <c>port</c>, <c>requestid</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The first value of a header, or empty.</summary>
    public string Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value ?? string.Empty;

    /// <summary>Accepts the stream (SYN_REPLY, no headers).</summary>
    public ValueTask<bool> ReplyAsync() => _session.TryWriteAsync(new SpdySynReplyFrame(Id, false, []));

    /// <summary>The client's next bytes, or null at its FIN (or a reset, or the connection's end).</summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _received.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>Sends bytes (split into frames of at most <see cref="SpdySession.MaxDataFrame"/>); dropped once closed or reset.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data)
    {
        await _writing.WaitAsync().ConfigureAwait(false);
        try
        {
            for (var offset = 0; offset < data.Length && !_localClosed && !_reset; offset += SpdySession.MaxDataFrame)
            {
                var chunk = data.Slice(offset, Math.Min(SpdySession.MaxDataFrame, data.Length - offset));
                if (!await _session.TryWriteAsync(new SpdyDataFrame(Id, false, chunk)).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Half-closes our side (an empty DATA frame with FIN): the client reads EOF.</summary>
    public async ValueTask CloseAsync()
    {
        await _writing.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_localClosed || _reset)
            {
                return;
            }

            _localClosed = true;
            await _session.TryWriteAsync(new SpdyDataFrame(Id, true, ReadOnlyMemory<byte>.Empty)).ConfigureAwait(false);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Ends the stream in both directions (RST_STREAM).</summary>
    public async ValueTask ResetAsync(SpdyRstStatus status)
    {
        if (_reset)
        {
            return;
        }

        _reset = true;
        _received.Writer.TryComplete();
        _session.Forget(Id);
        await _session.TryWriteAsync(new SpdyRstStreamFrame(Id, status)).ConfigureAwait(false);
    }

    /// <summary>Queues the client's bytes; false when the client had already half-closed (a protocol error).</summary>
    internal bool Deliver(ReadOnlyMemory<byte> data, bool fin)
    {
        if (data.Length > 0 && !_received.Writer.TryWrite(data))
        {
            return false;
        }

        if (fin)
        {
            _received.Writer.TryComplete();
        }

        return true;
    }

    /// <summary>Counts received bytes; returns the credit to grant (0 until half a window has arrived).</summary>
    internal int Consumed(int length)
    {
        _unacknowledged += length;
        if (_unacknowledged < SpdySession.InitialWindow / 2)
        {
            return 0;
        }

        var credit = _unacknowledged;
        _unacknowledged = 0;
        return credit;
    }

    internal void RemoteClosed() => _received.Writer.TryComplete();

    internal void ResetByPeer()
    {
        _reset = true;
        _received.Writer.TryComplete();
    }
}
