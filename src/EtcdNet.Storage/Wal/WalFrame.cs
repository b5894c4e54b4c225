using System.Buffers.Binary;

namespace EtcdNet.Storage;

/// <summary>
/// The on-disk framing of one record (etcd's, see README): an 8-byte little-endian length field, the record's
/// protobuf bytes, and zero padding to an 8-byte boundary so that a length field never straddles a sector.
/// The low 56 bits of the length field count the record bytes; when padding is present the top byte is
/// <c>0x80 | padBytes</c>.
/// </summary>
internal static class WalFrame
{
    public const int LengthFieldSize = 8;

    public static int PadBytes(long recordBytes) => (int)((8 - (recordBytes % 8)) % 8);

    public static void WriteLengthField(Span<byte> destination, long recordBytes)
    {
        ulong field = (ulong)recordBytes;
        int pad = PadBytes(recordBytes);
        if (pad != 0)
        {
            field |= (ulong)(0x80 | pad) << 56;
        }

        BinaryPrimitives.WriteUInt64LittleEndian(destination, field);
    }

    /// <summary>
    /// Decodes a non-zero length field. False when it is not one the encoder could have written (stray high bits,
    /// a padding flag that disagrees with the length): etcd ignores those bits, we treat them as damage.
    /// </summary>
    public static bool TryReadLengthField(ulong field, out long recordBytes, out int padBytes)
    {
        recordBytes = (long)(field & 0x00FF_FFFF_FFFF_FFFFUL);
        byte top = (byte)(field >> 56);
        padBytes = (top & 0x80) != 0 ? top & 0x7 : 0;
        bool flagWellFormed = top == 0 || (top & 0x78) == 0;
        return flagWellFormed && recordBytes > 0 && padBytes == PadBytes(recordBytes) && (top == 0) == (padBytes == 0);
    }
}
