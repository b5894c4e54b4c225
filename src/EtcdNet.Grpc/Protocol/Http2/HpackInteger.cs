namespace EtcdNet.Grpc;

/// <summary>HPACK's prefixed integers (RFC 7541 §5.1): N bits in the first byte, then 7 bits per continuation byte.</summary>
internal static class HpackInteger
{
    // 2^31-1 needs at most 5 continuation bytes; anything longer is either an overflow or padding we do not owe
    // the peer the patience to read (RFC 7541 §5.1 lets a decoder set such limits).
    private const int MaxContinuationBytes = 5;

    /// <summary>
    /// Reads the integer whose first byte is <c>source[position]</c>, using its low <paramref name="prefixBits"/>
    /// bits, and advances <paramref name="position"/> past it.
    /// </summary>
    /// <exception cref="HpackDecodingException">Truncated, or larger than <see cref="int.MaxValue"/>.</exception>
    public static int Decode(ReadOnlySpan<byte> source, ref int position, int prefixBits)
    {
        if ((uint)prefixBits - 1 > 7)
        {
            throw new ArgumentOutOfRangeException(nameof(prefixBits));
        }

        if (position >= source.Length)
        {
            throw new HpackDecodingException("hpack: truncated integer");
        }

        var mask = (1 << prefixBits) - 1;
        long value = source[position++] & mask;
        if (value < mask)
        {
            return (int)value;
        }

        for (var i = 0; i < MaxContinuationBytes; i++)
        {
            if (position >= source.Length)
            {
                throw new HpackDecodingException("hpack: truncated integer");
            }

            var b = source[position++];
            value += (long)(b & 0x7f) << (7 * i);
            if (value > int.MaxValue)
            {
                throw new HpackDecodingException("hpack: integer overflow");
            }

            if ((b & 0x80) == 0)
            {
                return (int)value;
            }
        }

        throw new HpackDecodingException("hpack: integer overflow");
    }

    /// <summary>
    /// Writes <paramref name="value"/> with a <paramref name="prefixBits"/>-bit prefix; <paramref name="firstByteFlags"/>
    /// fills the bits above the prefix. Returns the bytes written.
    /// </summary>
    public static int Encode(Span<byte> destination, int value, int prefixBits, byte firstByteFlags)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        if ((uint)prefixBits - 1 > 7)
        {
            throw new ArgumentOutOfRangeException(nameof(prefixBits));
        }

        var mask = (1 << prefixBits) - 1;
        if (value < mask)
        {
            destination[0] = (byte)(firstByteFlags | value);
            return 1;
        }

        destination[0] = (byte)(firstByteFlags | mask);
        value -= mask;
        var n = 1;
        while (value >= 0x80)
        {
            destination[n++] = (byte)(0x80 | (value & 0x7f));
            value >>= 7;
        }

        destination[n++] = (byte)value;
        return n;
    }

    /// <summary>How many bytes <see cref="Encode"/> needs for <paramref name="value"/>.</summary>
    public static int EncodedLength(int value, int prefixBits)
    {
        var mask = (1 << prefixBits) - 1;
        if (value < mask)
        {
            return 1;
        }

        value -= mask;
        var n = 2;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }

        return n;
    }
}
