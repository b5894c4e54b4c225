using System.Buffers;

namespace EtcdNet.Grpc;

/// <summary>
/// Decodes complete HPACK header blocks (RFC 7541) from one peer encoder, keeping its dynamic table across blocks.
/// </summary>
/// <remarks>
/// Fields reach the sink as spans into the block, the tables or a scratch buffer, so decoding allocates nothing
/// unless the encoder inserts into its dynamic table. Not thread-safe: one decoder per connection direction.
/// </remarks>
internal sealed class HpackDecoder : IDisposable
{
    private readonly HpackDynamicTable _table;
    private readonly int _maxTableSizeLimit;
    private readonly int _maxHeaderListSize;
    private byte[] _scratch = [];

    /// <param name="maxTableSizeLimit">
    /// The SETTINGS_HEADER_TABLE_SIZE this side advertised: the encoder's table starts at this size and its size
    /// updates may not exceed it.
    /// </param>
    /// <param name="maxHeaderListSize">
    /// Largest decoded header list, counted as SETTINGS_MAX_HEADER_LIST_SIZE counts it (name + value + 32 per field);
    /// bounds what a small block can expand to through indexed references.
    /// </param>
    public HpackDecoder(int maxTableSizeLimit, int maxHeaderListSize = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxTableSizeLimit);
        ArgumentOutOfRangeException.ThrowIfNegative(maxHeaderListSize);
        _maxTableSizeLimit = maxTableSizeLimit;
        _maxHeaderListSize = maxHeaderListSize;
        _table = new HpackDynamicTable(maxTableSizeLimit);
    }

    /// <summary>The encoder's dynamic table as this decoder mirrors it.</summary>
    public HpackDynamicTable DynamicTable => _table;

    /// <summary>Decodes one complete header block (all fragments of HEADERS and its CONTINUATIONs, joined).</summary>
    /// <exception cref="HpackDecodingException">The block breaks RFC 7541 or the header list limit.</exception>
    public void Decode(ReadOnlySpan<byte> block, IHpackFieldSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var pos = 0;
        var fieldSeen = false;
        long listSize = 0;
        while (pos < block.Length)
        {
            var first = block[pos];
            var scratchUsed = 0;
            ReadOnlySpan<byte> name;
            ReadOnlySpan<byte> value;
            var neverIndexed = false;
            if ((first & 0x80) != 0)
            {
                // Indexed field (§6.1).
                var index = HpackInteger.Decode(block, ref pos, 7);
                Lookup(index, out name, out value);
            }
            else if ((first & 0x40) != 0)
            {
                // Literal with incremental indexing (§6.2.1): the sink sees it before the insert, which may evict
                // the entry its name came from.
                ReadLiteral(block, ref pos, 6, ref scratchUsed, out name, out value);
                listSize = Account(listSize, name, value);
                sink.OnField(name, value, neverIndexed: false);
                _table.Add(name, value);
                fieldSeen = true;
                continue;
            }
            else if ((first & 0x20) != 0)
            {
                // Dynamic table size update (§6.3): only at the start of a block (§4.2), within our advertised limit.
                if (fieldSeen)
                {
                    throw new HpackDecodingException("hpack: dynamic table size update after a header field");
                }

                var size = HpackInteger.Decode(block, ref pos, 5);
                if (size > _maxTableSizeLimit)
                {
                    throw new HpackDecodingException("hpack: dynamic table size update above the advertised limit");
                }

                _table.Resize(size);
                continue;
            }
            else
            {
                // Literal without indexing (0000) or never indexed (0001), §6.2.2-3.
                neverIndexed = (first & 0x10) != 0;
                ReadLiteral(block, ref pos, 4, ref scratchUsed, out name, out value);
            }

            listSize = Account(listSize, name, value);
            sink.OnField(name, value, neverIndexed);
            fieldSeen = true;
        }
    }

    /// <summary>Returns pooled buffers.</summary>
    public void Dispose()
    {
        _table.Dispose();
        if (_scratch.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = [];
        }
    }

    private long Account(long listSize, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        listSize += name.Length + value.Length + HpackDynamicTable.EntryOverhead;
        if (listSize > _maxHeaderListSize)
        {
            throw new HpackDecodingException("hpack: header list larger than the advertised limit");
        }

        return listSize;
    }

    private void Lookup(int index, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        if (index == 0)
        {
            throw new HpackDecodingException("hpack: index 0");
        }

        if (index <= HpackStaticTable.Count)
        {
            var (n, v) = HpackStaticTable.Get(index);
            name = n;
            value = v;
            return;
        }

        var (dn, dv) = _table.Get(index - HpackStaticTable.Count);
        name = dn.Span;
        value = dv.Span;
    }

    private void ReadLiteral(ReadOnlySpan<byte> block, scoped ref int pos, int prefixBits, scoped ref int scratchUsed,
        out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        var nameIndex = HpackInteger.Decode(block, ref pos, prefixBits);
        if (nameIndex == 0)
        {
            name = ReadString(block, ref pos, ref scratchUsed);
        }
        else
        {
            Lookup(nameIndex, out name, out _);
        }

        value = ReadString(block, ref pos, ref scratchUsed);
    }

    private ReadOnlySpan<byte> ReadString(ReadOnlySpan<byte> block, scoped ref int pos, scoped ref int scratchUsed)
    {
        if (pos >= block.Length)
        {
            throw new HpackDecodingException("hpack: truncated string");
        }

        var huffman = (block[pos] & 0x80) != 0;
        var length = HpackInteger.Decode(block, ref pos, 7);
        if (length > block.Length - pos)
        {
            throw new HpackDecodingException("hpack: truncated string");
        }

        var raw = block.Slice(pos, length);
        pos += length;
        if (!huffman)
        {
            return raw;
        }

        // Sized for every Huffman string of this block at once, so it never grows under a name decoded earlier in
        // the same field: the first Huffman string of a block, with nothing in the scratch yet, is the only one
        // that can find it too small.
        var needed = HpackHuffman.MaxDecodedLength(block.Length) + 1;
        if (_scratch.Length < needed)
        {
            GrowScratch(needed);
        }

        var written = HpackHuffman.Decode(raw, _scratch.AsSpan(scratchUsed));
        var decoded = _scratch.AsSpan(scratchUsed, written);
        scratchUsed += written;
        return decoded;
    }

    private void GrowScratch(int size)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(size, 256));
        if (_scratch.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
        }

        _scratch = bigger;
    }
}
