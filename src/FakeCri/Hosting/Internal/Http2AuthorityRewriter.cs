using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;

namespace FakeCri.Hosting.Internal;

/// <summary>
/// Copies the client-to-server half of an HTTP/2 connection from one pipe to another, replacing an
/// <c>:authority</c> or <c>host</c> that is a socket path with <c>localhost</c> so Kestrel accepts the request.
/// </summary>
/// <remarks>
/// <para>
/// Every frame but HEADERS and CONTINUATION passes byte for byte. A header block is decoded with a dynamic table that
/// mirrors the client's encoder. While no block has needed a change, blocks pass unchanged too, so Kestrel's decoder
/// stays in step with the client. From the first changed block on, Kestrel's table no longer mirrors the client's,
/// so every block is re-sent as literals without indexing (which need no table and change none), padding dropped,
/// priority kept, split at the server's frame size.
/// </para>
/// <para>
/// Anything this cannot follow (a bad preface, an orphan CONTINUATION, an HPACK error, an oversized block) switches
/// to plain copying from that frame on: Kestrel then sees the original bytes and rejects them itself.
/// </para>
/// </remarks>
internal sealed class Http2AuthorityRewriter
{
    private const int FrameHeaderLength = 9;
    private const byte HeadersType = 0x1;
    private const byte ContinuationType = 0x9;
    private const byte EndStreamFlag = 0x1;
    private const byte EndHeadersFlag = 0x4;
    private const byte PaddedFlag = 0x8;
    private const byte PriorityFlag = 0x20;
    private const int PriorityLength = 5;

    // Below Kestrel's default 1 MiB transport buffer: a block's frames stay unconsumed until all of them are in, and
    // the transport must never pause waiting for us to consume.
    private const int MaxHeaderRunBytes = 256 * 1024;
    private const int RetainedBufferBytes = 16 * 1024;

    private static readonly byte[] Localhost = "localhost"u8.ToArray();

    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly int _maxFrameSize;
    private readonly HpackDecoder _decoder;
    private readonly List<HpackHeaderField> _headers = [];
    private readonly byte[] _priority = new byte[PriorityLength];
    private byte[] _block = []; // the block's fragments joined; from ArrayPool.Shared
    private int _blockLength;
    private long _runTaken; // octets of the pending HEADERS + CONTINUATION run already in _block
    private FrameHeader _runFirst; // the run's HEADERS frame
    private byte[] _encoded = []; // the re-encoded payload; from ArrayPool.Shared
    private int _prefaceSeen;
    private long _forwardRemaining;

    /// <summary>Creates a rewriter from the client's bytes to the server's input.</summary>
    /// <param name="input">What the client sent.</param>
    /// <param name="output">What the server reads.</param>
    /// <param name="headerTableSize">The server's SETTINGS_HEADER_TABLE_SIZE.</param>
    /// <param name="maxFrameSize">The server's SETTINGS_MAX_FRAME_SIZE: rewritten frames are at most this long.</param>
    /// <param name="maxHeaderListBytes">The most name and value octets a block may decode to.</param>
    public Http2AuthorityRewriter(
        PipeReader input, PipeWriter output, int headerTableSize, int maxFrameSize, int maxHeaderListBytes)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFrameSize);
        _input = input;
        _output = output;
        _maxFrameSize = maxFrameSize;
        _decoder = new HpackDecoder(headerTableSize, maxHeaderListBytes);
    }

    /// <summary>True once a header block has been rewritten (and every later one is re-encoded).</summary>
    public bool IsRewriting { get; private set; }

    /// <summary>True once the rewriter gave up following the stream and copies bytes unchanged.</summary>
    public bool IsCopyingOnly { get; private set; }

    private static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    /// <summary>
    /// Pumps until the input ends, a pending read on it is cancelled, or the output's reader is gone. Never throws:
    /// a transport error completes the output with that error, as the server would have seen it.
    /// </summary>
    public async Task RunAsync()
    {
        Exception? failure = null;
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                if (result.IsCanceled)
                {
                    _input.AdvanceTo(buffer.Start);
                    break;
                }

                var consumed = Process(buffer, result.IsCompleted);
                _input.AdvanceTo(consumed, buffer.End);
                var flush = await _output.FlushAsync().ConfigureAwait(false);
                if (result.IsCompleted || flush.IsCompleted || flush.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception exception)
        {
            failure = exception;
        }
        finally
        {
            ReturnBuffers();
            await _input.CompleteAsync().ConfigureAwait(false);
            await _output.CompleteAsync(failure).ConfigureAwait(false);
        }
    }

    private SequencePosition Process(ReadOnlySequence<byte> buffer, bool isCompleted)
    {
        var reader = new SequenceReader<byte>(buffer);
        Span<byte> received = stackalloc byte[Preface.Length];
        while (!reader.End)
        {
            if (IsCopyingOnly)
            {
                Forward(ref reader, reader.Remaining);
            }
            else if (_prefaceSeen < Preface.Length)
            {
                var count = (int)Math.Min(Preface.Length - _prefaceSeen, reader.Remaining);
                reader.TryCopyTo(received[..count]);
                if (!received[..count].SequenceEqual(Preface.Slice(_prefaceSeen, count)))
                {
                    IsCopyingOnly = true;
                    continue;
                }

                _prefaceSeen += count;
                Forward(ref reader, count);
            }
            else if (_forwardRemaining > 0)
            {
                var count = Math.Min(_forwardRemaining, reader.Remaining);
                _forwardRemaining -= count;
                Forward(ref reader, count);
            }
            else if (!TryHandleFrame(ref reader))
            {
                break;
            }
        }

        if (isCompleted && !reader.End)
        {
            // The client left in the middle of a frame: hand Kestrel the truncated bytes to judge.
            Forward(ref reader, reader.Remaining);
        }

        return reader.Position;
    }

    /// <summary>Handles the frame at the reader; false when more bytes are needed first.</summary>
    private bool TryHandleFrame(ref SequenceReader<byte> reader)
    {
        if (!TryPeekFrameHeader(reader.UnreadSequence, 0, out var frame))
        {
            return false;
        }

        switch (frame.Type)
        {
            case HeadersType:
                switch (TryRewriteHeaderBlock(reader.UnreadSequence, out var length))
                {
                    case BlockStatus.Done:
                        reader.Advance(length);
                        return true;
                    case BlockStatus.Incomplete:
                        return false;
                    default:
                        IsCopyingOnly = true;
                        return true;
                }

            case ContinuationType:
                // Not after a HEADERS without END_HEADERS (those are taken as one run): a protocol error.
                IsCopyingOnly = true;
                return true;
            default:
                Forward(ref reader, FrameHeaderLength);
                _forwardRemaining = frame.Length;
                return true;
        }
    }

    /// <summary>
    /// Takes the HEADERS frame at the start of <paramref name="data"/> and its CONTINUATION frames. Frames are taken
    /// into the block as they arrive and the scan resumes where it stopped, since the unconsumed run stays at the
    /// start of the buffer until the whole block is in.
    /// </summary>
    private BlockStatus TryRewriteHeaderBlock(ReadOnlySequence<byte> data, out long length)
    {
        length = 0;
        while (true)
        {
            if (!TryPeekFrameHeader(data, _runTaken, out var frame))
            {
                return BlockStatus.Incomplete;
            }

            if (_runTaken == 0)
            {
                _runFirst = frame;
            }
            else if (frame.Type != ContinuationType || frame.StreamId != _runFirst.StreamId)
            {
                return AbandonRun();
            }

            // Frame headers count too, so a flood of empty CONTINUATION frames is bounded as well.
            var frameEnd = _runTaken + FrameHeaderLength + frame.Length;
            if (frame.Length > _maxFrameSize || frameEnd > MaxHeaderRunBytes)
            {
                return AbandonRun();
            }

            if (data.Length < frameEnd)
            {
                return BlockStatus.Incomplete;
            }

            var fragment = data.Slice(_runTaken + FrameHeaderLength, frame.Length);
            if (_runTaken == 0 && !TryStripHeadersPayload(frame.Flags, ref fragment))
            {
                return AbandonRun();
            }

            EnsureCapacity(ref _block, _blockLength, _blockLength + (int)fragment.Length);
            fragment.CopyTo(_block.AsSpan(_blockLength));
            _blockLength += (int)fragment.Length;
            _runTaken = frameEnd;
            if ((frame.Flags & EndHeadersFlag) != 0)
            {
                break;
            }
        }

        length = _runTaken;
        var blockLength = _blockLength;
        _runTaken = 0;
        _blockLength = 0;
        _headers.Clear();
        if (!_decoder.TryDecode(_block.AsSpan(0, blockLength), _headers))
        {
            return BlockStatus.Unfollowable;
        }

        if (!ReplaceSocketPaths() && !IsRewriting)
        {
            Copy(data.Slice(0, length));
        }
        else
        {
            IsRewriting = true;
            WriteLiteralBlock(_runFirst);
        }

        _headers.Clear();
        if (_block.Length > RetainedBufferBytes || _encoded.Length > RetainedBufferBytes)
        {
            // An unusually large block: do not hold its buffers for the rest of the connection.
            ReturnBuffers();
        }

        return BlockStatus.Done;
    }

    private BlockStatus AbandonRun()
    {
        _runTaken = 0;
        _blockLength = 0;
        return BlockStatus.Unfollowable;
    }

    /// <summary>Cuts padding and the priority block off a HEADERS payload; the priority is kept in _priority.</summary>
    private bool TryStripHeadersPayload(byte flags, ref ReadOnlySequence<byte> payload)
    {
        long start = 0;
        var end = payload.Length;
        if ((flags & PaddedFlag) != 0)
        {
            if (end < 1)
            {
                return false;
            }

            Span<byte> padLength = stackalloc byte[1];
            payload.Slice(0, 1).CopyTo(padLength);
            start = 1;
            end -= padLength[0];
        }

        if ((flags & PriorityFlag) != 0)
        {
            if (end - start < PriorityLength)
            {
                return false;
            }

            payload.Slice(start, PriorityLength).CopyTo(_priority);
            start += PriorityLength;
        }

        if (end < start)
        {
            return false;
        }

        payload = payload.Slice(start, end - start);
        return true;
    }

    private bool ReplaceSocketPaths()
    {
        var replaced = false;
        for (var i = 0; i < _headers.Count; i++)
        {
            var field = _headers[i];
            var name = field.Name.AsSpan();
            if ((name.SequenceEqual(":authority"u8) || name.SequenceEqual("host"u8))
                && AuthoritySyntax.NeedsReplacement(field.Value))
            {
                _headers[i] = field.WithValue(Localhost);
                replaced = true;
            }
        }

        return replaced;
    }

    private void WriteLiteralBlock(FrameHeader headers)
    {
        var hasPriority = (headers.Flags & PriorityFlag) != 0;
        var payloadLength = hasPriority ? PriorityLength : 0;
        foreach (var field in _headers)
        {
            payloadLength += HpackLiteralEncoder.GetEncodedLength(field);
        }

        EnsureCapacity(ref _encoded, 0, payloadLength);
        var written = 0;
        if (hasPriority)
        {
            _priority.CopyTo(_encoded, 0);
            written = PriorityLength;
        }

        foreach (var field in _headers)
        {
            written += HpackLiteralEncoder.Encode(field, _encoded.AsSpan(written));
        }

        // One HEADERS frame when it fits, else HEADERS and CONTINUATION frames; END_HEADERS on the last one.
        var remaining = _encoded.AsSpan(0, written);
        var type = HeadersType;
        var flags = (byte)(headers.Flags & (EndStreamFlag | PriorityFlag));
        do
        {
            var chunk = remaining[..Math.Min(remaining.Length, _maxFrameSize)];
            remaining = remaining[chunk.Length..];
            if (remaining.IsEmpty)
            {
                flags |= EndHeadersFlag;
            }

            WriteFrame(type, flags, headers.StreamId, chunk);
            type = ContinuationType;
            flags = 0;
        }
        while (!remaining.IsEmpty);
    }

    private void WriteFrame(byte type, byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        var frame = _output.GetSpan(FrameHeaderLength + payload.Length);
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame[5..], streamId);
        payload.CopyTo(frame[FrameHeaderLength..]);
        _output.Advance(FrameHeaderLength + payload.Length);
    }

    private void Forward(ref SequenceReader<byte> reader, long count)
    {
        Copy(reader.UnreadSequence.Slice(0, count));
        reader.Advance(count);
    }

    private void Copy(ReadOnlySequence<byte> bytes)
    {
        foreach (var segment in bytes)
        {
            _output.Write(segment.Span);
        }
    }

    private static bool TryPeekFrameHeader(ReadOnlySequence<byte> data, long offset, out FrameHeader frame)
    {
        frame = default;
        if (data.Length - offset < FrameHeaderLength)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[FrameHeaderLength];
        data.Slice(offset, FrameHeaderLength).CopyTo(header);
        frame = new FrameHeader(
            (header[0] << 16) | (header[1] << 8) | header[2],
            header[3],
            header[4],
            BinaryPrimitives.ReadInt32BigEndian(header[5..]) & int.MaxValue); // the reserved bit is ignored
        return true;
    }

    private static void EnsureCapacity(ref byte[] buffer, int used, int needed)
    {
        if (buffer.Length >= needed)
        {
            return;
        }

        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, 1024));
        buffer.AsSpan(0, used).CopyTo(grown);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        buffer = grown;
    }

    private void ReturnBuffers()
    {
        Return(ref _block);
        Return(ref _encoded);

        static void Return(ref byte[] buffer)
        {
            if (buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            buffer = [];
        }
    }

    private enum BlockStatus
    {
        /// <summary>The block was forwarded or rewritten.</summary>
        Done,

        /// <summary>Its frames are not all in yet.</summary>
        Incomplete,

        /// <summary>Malformed or too large to follow: copy from here on.</summary>
        Unfollowable,
    }

    /// <summary>The fixed 9-octet frame header (RFC 9113 section 4.1).</summary>
    private readonly record struct FrameHeader(int Length, byte Type, byte Flags, int StreamId);
}
