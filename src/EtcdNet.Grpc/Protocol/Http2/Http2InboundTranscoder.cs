using System.Buffers;
using System.IO.Pipelines;

namespace EtcdNet.Grpc;

/// <summary>
/// Copies a client's side of an HTTP/2 connection (preface onwards) from one pipe to another, re-encoding each
/// request header block with <see cref="HeaderBlockTranscoder"/> and passing every other frame through untouched.
/// </summary>
/// <remarks>
/// <para>
/// This exists for one interoperability gap: grpc-go clients dialled through the passthrough resolver (etcdctl 3.4's
/// maintenance commands) send <c>:authority: http://host:port</c>, which Kestrel rejects with no option to relax.
/// Rewriting the value means decoding HPACK, and since the client's encoder keeps state, every header block on
/// the connection has to go through the same decoder.
/// </para>
/// <para>
/// Framing: HEADERS loses its padding and keeps its priority fields and END_STREAM; the block is re-split into
/// HEADERS + CONTINUATION frames no larger than the server's SETTINGS_MAX_FRAME_SIZE. A HEADERS frame without
/// END_HEADERS is forwarded at once with an empty fragment, and the re-encoded block follows in CONTINUATION
/// frames once the client has sent all of it, so the server starts its header timeout when it did before.
/// DATA and all other frames are copied as they arrive, without waiting for a whole frame.
/// </para>
/// <para>
/// Errors: framing the server would reject (oversized frames, interleaving inside a header block, a CONTINUATION
/// out of place, bad padding, stream 0) is forwarded as received, and the server answers it with its own GOAWAY.
/// An HPACK error is replaced by a one-byte block naming a dynamic entry the server cannot have, so the server's
/// decoder fails and sends GOAWAY with COMPRESSION_ERROR, as RFC 7540 §4.3 asks. From there on bytes are copied
/// without looking, since the server is closing the connection anyway.
/// </para>
/// </remarks>
internal sealed class Http2InboundTranscoder : IDisposable
{
    private const int PrefaceLength = 24;

    // An indexed field naming dynamic entry 1 (index 62): the server's dynamic table is empty, since nothing this
    // class sends is ever indexed, so its decoder fails with an HPACK error. (Index 0 would be invalid too, but
    // Kestrel handles it as an internal error instead of COMPRESSION_ERROR.)
    private static readonly byte[] InvalidBlock = [0xbe];

    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly int _maxFrameSize;
    private readonly int _maxBlockSize;
    private readonly HeaderBlockTranscoder _headers;

    // Bytes still to copy untouched before the next frame header: the preface, then the rest of a passed frame.
    private long _copyRemaining = PrefaceLength;
    private bool _passthrough;

    // A header block whose HEADERS frame came without END_HEADERS and went ahead with an empty fragment.
    private bool _inBlock;
    private int _blockStreamId;
    private byte[] _block = [];
    private int _blockLength;

    /// <param name="input">The client's bytes, starting with the connection preface.</param>
    /// <param name="output">Where the server reads them.</param>
    /// <param name="headerTableSize">The server's SETTINGS_HEADER_TABLE_SIZE (Kestrel's default is 4096).</param>
    /// <param name="maxFrameSize">The server's SETTINGS_MAX_FRAME_SIZE (Kestrel's default is 16384).</param>
    /// <param name="maxHeaderListSize">The server's SETTINGS_MAX_HEADER_LIST_SIZE (Kestrel's MaxRequestHeadersTotalSize).</param>
    public Http2InboundTranscoder(PipeReader input, PipeWriter output, int headerTableSize, int maxFrameSize,
        int maxHeaderListSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameSize, 16384);
        _input = input;
        _output = output;
        _maxFrameSize = maxFrameSize;

        // The encoded block is bounded only to cap memory: any block a real encoder makes for an acceptable header
        // list is far smaller (each field counts at least 32 towards the list size), so this never bites first.
        _maxBlockSize = (int)Math.Min(int.MaxValue / 2, (2L * maxHeaderListSize) + maxFrameSize);
        _headers = new HeaderBlockTranscoder(headerTableSize, maxHeaderListSize);
    }

    /// <summary>
    /// Pumps until the client's side ends, the server stops reading, or the input's pending read is cancelled;
    /// then completes both pipes, handing an input failure on to the server as its own read failure.
    /// </summary>
    public async Task RunAsync()
    {
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                Process(ref buffer);
                _input.AdvanceTo(buffer.Start, result.Buffer.End);
                var flush = await _output.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted || result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception e)
        {
            error = e;
        }

        await _output.CompleteAsync(error).ConfigureAwait(false);
        await _input.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>Returns pooled buffers; call after <see cref="RunAsync"/> has finished.</summary>
    public void Dispose()
    {
        _headers.Dispose();
        if (_block.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_block);
            _block = [];
        }
    }

    /// <summary>Handles as much of <paramref name="buffer"/> as it can and leaves it at the first byte not yet used.</summary>
    private void Process(ref ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            if (_copyRemaining > 0)
            {
                if (buffer.IsEmpty)
                {
                    return;
                }

                var n = Math.Min(_copyRemaining, buffer.Length);
                Copy(buffer.Slice(0, n));
                buffer = buffer.Slice(n);
                _copyRemaining -= n;
                continue;
            }

            if (_passthrough)
            {
                Copy(buffer);
                buffer = buffer.Slice(buffer.End);
                return;
            }

            if (!Http2FrameHeader.TryRead(buffer, out var header))
            {
                return;
            }

            if (!IsOurs(header))
            {
                // Inside an open block anything but its CONTINUATION is an error the server reports itself.
                _passthrough = _inBlock;
                _copyRemaining = Http2FrameHeader.Size + header.Length;
                continue;
            }

            var frameLength = Http2FrameHeader.Size + header.Length;
            if (buffer.Length < frameLength)
            {
                return;
            }

            var payload = buffer.Slice(Http2FrameHeader.Size, header.Length);
            if (header.Type == Http2FrameType.Headers)
            {
                OnHeaders(header, payload, buffer.Slice(0, frameLength));
            }
            else
            {
                OnContinuation(header, payload);
            }

            buffer = buffer.Slice(frameLength);
        }
    }

    /// <summary>Whether this frame is one to transcode; everything else is copied as it is.</summary>
    private bool IsOurs(Http2FrameHeader header)
    {
        if (header.Length > _maxFrameSize || header.StreamId == 0)
        {
            return false;
        }

        return header.Type switch
        {
            Http2FrameType.Headers => !_inBlock,
            Http2FrameType.Continuation => _inBlock && header.StreamId == _blockStreamId,
            _ => false,
        };
    }

    private void OnHeaders(Http2FrameHeader header, ReadOnlySequence<byte> payload, ReadOnlySequence<byte> frame)
    {
        var offset = 0;
        var padLength = 0;
        if (header.HasFlag(Http2FrameHeader.Padded))
        {
            if (payload.Length < 1)
            {
                ForwardMalformed(frame);
                return;
            }

            padLength = payload.FirstSpan[0];
            offset = 1;
        }

        Span<byte> priority = stackalloc byte[Http2FrameHeader.PrioritySize];
        if (header.HasFlag(Http2FrameHeader.PriorityFlag))
        {
            if (payload.Length < offset + Http2FrameHeader.PrioritySize)
            {
                ForwardMalformed(frame);
                return;
            }

            payload.Slice(offset, Http2FrameHeader.PrioritySize).CopyTo(priority);
            offset += Http2FrameHeader.PrioritySize;
        }
        else
        {
            priority = [];
        }

        var fragmentLength = header.Length - offset - padLength;
        if (fragmentLength < 0)
        {
            ForwardMalformed(frame);
            return;
        }

        var fragment = payload.Slice(offset, fragmentLength);
        var flags = (byte)(header.Flags & (Http2FrameHeader.EndStream | Http2FrameHeader.PriorityFlag));
        if (header.HasFlag(Http2FrameHeader.EndHeaders))
        {
            ReadOnlySpan<byte> block;
            if (fragment.IsSingleSegment)
            {
                block = fragment.FirstSpan;
            }
            else
            {
                _blockLength = 0;
                Append(fragment);
                block = _block.AsSpan(0, _blockLength);
            }

            TranscodeAndWrite(Http2FrameType.Headers, header.StreamId, flags, priority, block);
            return;
        }

        // Let the server see the stream open now, as it would have; the block follows in CONTINUATION frames.
        WriteFrame(new Http2FrameHeader(priority.Length, Http2FrameType.Headers, flags, header.StreamId), priority, []);
        _inBlock = true;
        _blockStreamId = header.StreamId;
        _blockLength = 0;
        if (!Append(fragment))
        {
            Poison(Http2FrameType.Continuation, header.StreamId, 0);
        }
    }

    private void OnContinuation(Http2FrameHeader header, ReadOnlySequence<byte> payload)
    {
        if (!Append(payload))
        {
            _inBlock = false;
            Poison(Http2FrameType.Continuation, header.StreamId, 0);
            return;
        }

        if (header.HasFlag(Http2FrameHeader.EndHeaders))
        {
            _inBlock = false;
            TranscodeAndWrite(Http2FrameType.Continuation, header.StreamId, 0, [], _block.AsSpan(0, _blockLength));
        }
    }

    private void TranscodeAndWrite(Http2FrameType firstType, int streamId, byte flags, ReadOnlySpan<byte> priority,
        ReadOnlySpan<byte> block)
    {
        ReadOnlySpan<byte> encoded;
        try
        {
            encoded = _headers.Transcode(block);
        }
        catch (HpackDecodingException)
        {
            Poison(firstType, streamId, (byte)(flags & Http2FrameHeader.EndStream));
            return;
        }

        // First frame: the given type with the priority fields, then CONTINUATIONs; END_HEADERS on the last one.
        var room = _maxFrameSize - priority.Length;
        var type = firstType;
        while (true)
        {
            var chunk = Math.Min(room, encoded.Length);
            var last = chunk == encoded.Length;
            var frameFlags = (byte)(flags | (last ? Http2FrameHeader.EndHeaders : 0));
            WriteFrame(new Http2FrameHeader(priority.Length + chunk, type, frameFlags, streamId), priority, encoded[..chunk]);
            if (last)
            {
                return;
            }

            encoded = encoded[chunk..];
            type = Http2FrameType.Continuation;
            flags = 0;
            priority = [];
            room = _maxFrameSize;
        }
    }

    /// <summary>Ends the open block with one the server's decoder must reject, then stops transcoding.</summary>
    private void Poison(Http2FrameType type, int streamId, byte flags)
    {
        var header = new Http2FrameHeader(InvalidBlock.Length, type, (byte)(flags | Http2FrameHeader.EndHeaders), streamId);
        WriteFrame(header, [], InvalidBlock);
        _passthrough = true;
    }

    private void ForwardMalformed(ReadOnlySequence<byte> frame)
    {
        Copy(frame);
        _passthrough = true;
    }

    /// <summary>Appends to the pending block; false when it would pass the bound.</summary>
    private bool Append(ReadOnlySequence<byte> fragment)
    {
        var needed = _blockLength + (int)fragment.Length;
        if (needed > _maxBlockSize)
        {
            return false;
        }

        if (needed > _block.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(_block.Length * 2, 4096)));
            _block.AsSpan(0, _blockLength).CopyTo(bigger);
            if (_block.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_block);
            }

            _block = bigger;
        }

        fragment.CopyTo(_block.AsSpan(_blockLength));
        _blockLength = needed;
        return true;
    }

    private void WriteFrame(Http2FrameHeader header, ReadOnlySpan<byte> priority, ReadOnlySpan<byte> fragment)
    {
        Span<byte> bytes = stackalloc byte[Http2FrameHeader.Size];
        header.Write(bytes);
        _output.Write(bytes);
        if (!priority.IsEmpty)
        {
            _output.Write(priority);
        }

        if (!fragment.IsEmpty)
        {
            _output.Write(fragment);
        }
    }

    private void Copy(in ReadOnlySequence<byte> bytes)
    {
        foreach (var segment in bytes)
        {
            _output.Write(segment.Span);
        }
    }
}
