using System.Buffers;

namespace EtcdNet.Grpc;

/// <summary>
/// Re-encodes a client's request header blocks as stateless HPACK literals, with <c>:authority</c> and <c>host</c>
/// values passed through <see cref="AuthorityNormalizer"/>; every other field keeps its name, value and order.
/// </summary>
/// <remarks>
/// The decoder follows the client encoder's dynamic table; the output never indexes anything, so the server's own
/// decoder table stays empty and in step no matter what the client's encoder did.
/// </remarks>
internal sealed class HeaderBlockTranscoder : IHpackFieldSink, IDisposable
{
    private readonly HpackDecoder _decoder;
    private byte[] _output;
    private int _written;

    /// <param name="headerTableSize">The server's SETTINGS_HEADER_TABLE_SIZE.</param>
    /// <param name="maxHeaderListSize">The server's SETTINGS_MAX_HEADER_LIST_SIZE.</param>
    public HeaderBlockTranscoder(int headerTableSize, int maxHeaderListSize)
    {
        _decoder = new HpackDecoder(headerTableSize, maxHeaderListSize);
        _output = ArrayPool<byte>.Shared.Rent(1024);
    }

    /// <summary>Decodes one complete block and returns its re-encoding, valid until the next call.</summary>
    /// <exception cref="HpackDecodingException">The block is not valid HPACK for this connection's state.</exception>
    public ReadOnlySpan<byte> Transcode(ReadOnlySpan<byte> block)
    {
        _written = 0;
        _decoder.Decode(block, this);
        return _output.AsSpan(0, _written);
    }

    void IHpackFieldSink.OnField(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, bool neverIndexed)
    {
        if (AuthorityNormalizer.IsAuthorityHeader(name))
        {
            value = AuthorityNormalizer.Normalize(value);
        }

        var needed = _written + HpackLiteralEncoder.MaxLength(name.Length, value.Length);
        if (needed > _output.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _output.Length * 2));
            _output.AsSpan(0, _written).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_output);
            _output = bigger;
        }

        _written += HpackLiteralEncoder.Write(_output.AsSpan(_written), name, value, neverIndexed);
    }

    public void Dispose()
    {
        _decoder.Dispose();
        if (_output.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_output);
            _output = [];
        }
    }
}
