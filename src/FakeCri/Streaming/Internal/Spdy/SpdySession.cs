using System.Collections.Concurrent;
using System.Threading.Channels;

namespace FakeCri.Streaming.Internal.Spdy;

/// <summary>
/// The server side of one SPDY/3.1 connection, as Kubernetes' streaming clients use it: the client opens every
/// stream (odd ids), the server accepts them (<see cref="AcceptAsync"/>) and answers with SYN_REPLY, both sides send
/// DATA and half-close with FIN, PINGs from the client are echoed, and the session ends with GOAWAY.
/// </summary>
/// <remarks>
/// Flow control: received DATA is credited back with WINDOW_UPDATE (stream and session) once half a window has
/// arrived, so a client that honours SPDY/3.1 windows never stalls. Sending does not wait for credit: Kubernetes'
/// SPDY library (spdystream) never grants any, and kubelet's own server does not wait either.
/// </remarks>
internal sealed class SpdySession : IAsyncDisposable
{
    /// <summary>SPDY/3.1's initial window, for streams and for the session.</summary>
    public const int InitialWindow = 64 * 1024;

    /// <summary>The largest DATA payload written at once; larger writes are split.</summary>
    public const int MaxDataFrame = 16 * 1024;

    private readonly Stream _transport;
    private readonly SpdyFrameReader _reader;
    private readonly SpdyFrameWriter _writer;
    private readonly ConcurrentDictionary<uint, SpdyStream> _streams = new();
    private readonly Channel<SpdyStream> _incoming = Channel.CreateUnbounded<SpdyStream>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly CancellationTokenSource _closed = new();
    private uint _lastStreamId;
    private int _sessionUnacknowledged;
    private int _goneAway;
    private int _disposed;
    private Task? _reading;

    public SpdySession(Stream transport)
    {
        _transport = transport;
        _reader = new SpdyFrameReader(transport);
        _writer = new SpdyFrameWriter(transport);
    }

    /// <summary>Completes when the client has closed the connection (or broke the protocol) and reading stopped.</summary>
    public Task Reading => _reading ?? Task.CompletedTask;

    /// <summary>Starts the read loop; frames are dispatched until the client closes the connection.</summary>
    public void Start() => _reading = ReadAllAsync();

    /// <summary>The next stream the client opened, or null once the connection is closed or going away.</summary>
    public async ValueTask<SpdyStream?> AcceptAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _incoming.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>
    /// Says GOAWAY (no more streams; the last one processed), then waits up to <paramref name="linger"/> for the
    /// client to close its side, so that nothing it still sends turns the close into a reset that could cost it
    /// the last bytes we sent.
    /// </summary>
    public async Task GoAwayAsync(TimeSpan linger, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _goneAway, 1) == 0)
        {
            await TryWriteAsync(new SpdyGoAwayFrame(Volatile.Read(ref _lastStreamId), 0)).ConfigureAwait(false);
        }

        try
        {
            await Reading.WaitAsync(linger, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is TimeoutException or OperationCanceledException)
        {
            // The client keeps the connection open; closing it is ours to do now.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _closed.CancelAsync().ConfigureAwait(false);
        await _transport.DisposeAsync().ConfigureAwait(false);
        try
        {
            await Reading.ConfigureAwait(false);
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The read loop ends with the transport.
        }

        _reader.Dispose();
        _writer.Dispose();
        _closed.Dispose();
    }

    /// <summary>Writes a frame; false when the connection is gone (the caller's data has nowhere to go).</summary>
    internal async ValueTask<bool> TryWriteAsync(SpdyFrame frame)
    {
        try
        {
            await _writer.WriteFrameAsync(frame, _closed.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            return false;
        }
    }

    private async Task ReadAllAsync()
    {
        try
        {
            while (await _reader.ReadFrameAsync(_closed.Token).ConfigureAwait(false) is { } frame)
            {
                await DispatchAsync(frame).ConfigureAwait(false);
            }
        }
        catch (SpdyProtocolException)
        {
            // A session error: say so and stop reading; the connection is closed by the owner.
            if (Interlocked.Exchange(ref _goneAway, 1) == 0)
            {
                await TryWriteAsync(new SpdyGoAwayFrame(Volatile.Read(ref _lastStreamId), 1)).ConfigureAwait(false);
            }
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The connection is gone.
        }
        finally
        {
            _incoming.Writer.TryComplete();
            foreach (var stream in _streams.Values)
            {
                stream.RemoteClosed();
            }
        }
    }

    private async ValueTask DispatchAsync(SpdyFrame frame)
    {
        switch (frame)
        {
            case SpdySynStreamFrame syn:
                // Clients open odd ids, each above the last; anything else breaks the session.
                if (syn.StreamId % 2 == 0 || syn.StreamId <= _lastStreamId)
                {
                    throw new SpdyProtocolException($"SYN_STREAM with stream id {syn.StreamId} after {_lastStreamId}");
                }

                Volatile.Write(ref _lastStreamId, syn.StreamId);
                if (Volatile.Read(ref _goneAway) != 0)
                {
                    await TryWriteAsync(new SpdyRstStreamFrame(syn.StreamId, SpdyRstStatus.RefusedStream)).ConfigureAwait(false);
                    return;
                }

                var stream = new SpdyStream(this, syn.StreamId, syn.Headers, remoteClosed: syn.Fin || syn.Unidirectional);
                _streams[syn.StreamId] = stream;
                _incoming.Writer.TryWrite(stream);
                break;

            case SpdyDataFrame data:
                if (!_streams.TryGetValue(data.StreamId, out var target))
                {
                    await TryWriteAsync(new SpdyRstStreamFrame(data.StreamId, SpdyRstStatus.InvalidStream)).ConfigureAwait(false);
                    return;
                }

                if (!target.Deliver(data.Data, data.Fin))
                {
                    await TryWriteAsync(new SpdyRstStreamFrame(data.StreamId, SpdyRstStatus.StreamAlreadyClosed)).ConfigureAwait(false);
                    return;
                }

                await CreditAsync(target, data.Data.Length).ConfigureAwait(false);
                break;

            case SpdyRstStreamFrame reset:
                if (_streams.TryRemove(reset.StreamId, out var cancelled))
                {
                    cancelled.ResetByPeer();
                }

                break;

            case SpdyPingFrame ping when ping.Id % 2 == 1:
                // The client's ping (odd id): echo it. Even ids would be answers to ours; we send none.
                await TryWriteAsync(ping).ConfigureAwait(false);
                break;

            case SpdyGoAwayFrame:
                // The client opens no more streams; the ones open go on.
                _incoming.Writer.TryComplete();
                break;

            default:
                // SETTINGS, WINDOW_UPDATE (we do not wait for credit), HEADERS and SYN_REPLY change nothing here.
                break;
        }
    }

    private async ValueTask CreditAsync(SpdyStream stream, int length)
    {
        if (length == 0)
        {
            return;
        }

        if (stream.Consumed(length) is var streamCredit and > 0)
        {
            await TryWriteAsync(new SpdyWindowUpdateFrame(stream.Id, (uint)streamCredit)).ConfigureAwait(false);
        }

        _sessionUnacknowledged += length;
        if (_sessionUnacknowledged >= InitialWindow / 2)
        {
            var credit = _sessionUnacknowledged;
            _sessionUnacknowledged = 0;
            await TryWriteAsync(new SpdyWindowUpdateFrame(0, (uint)credit)).ConfigureAwait(false);
        }
    }

    internal void Forget(uint streamId) => _streams.TryRemove(streamId, out _);
}
