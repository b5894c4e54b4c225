namespace EtcdNet.Grpc;

/// <summary>
/// Writes header fields as HPACK literals without indexing and with literal names and plain (not Huffman) strings
/// (RFC 7541 §6.2.2-3): output that needs no state in the decoder, so the receiving dynamic table stays empty.
/// </summary>
internal static class HpackLiteralEncoder
{
    /// <summary>The most bytes <see cref="Write"/> needs for this field.</summary>
    public static int MaxLength(int nameLength, int valueLength) =>
        1 + HpackInteger.EncodedLength(nameLength, 7) + nameLength + HpackInteger.EncodedLength(valueLength, 7) + valueLength;

    /// <summary>Writes one field; returns the bytes written. <paramref name="neverIndexed"/> keeps a sensitive mark.</summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, bool neverIndexed)
    {
        // Name index 0 in a 4-bit prefix: 0x00 "without indexing", 0x10 "never indexed".
        destination[0] = neverIndexed ? (byte)0x10 : (byte)0x00;
        var n = 1;
        n += HpackInteger.Encode(destination[n..], name.Length, 7, 0x00);
        name.CopyTo(destination[n..]);
        n += name.Length;
        n += HpackInteger.Encode(destination[n..], value.Length, 7, 0x00);
        value.CopyTo(destination[n..]);
        return n + value.Length;
    }
}
