using System.Buffers;
using Google.Protobuf;

namespace EtcdNet.Storage;

/// <summary>
/// Hand-written walpb.Record encoding, so a batch is framed straight into one buffer with no per-record objects.
/// Fields are written as <c>data</c> (3), <c>crc</c> (2), <c>type</c> (1): any protobuf parser accepts that order,
/// and ending every record with the type byte (1..5, never zero) is what lets recovery tell a write cut short
/// (its last byte reads zero) from a complete record.
/// </summary>
internal static class WalRecordCodec
{
    private const byte TypeTag = (1 << 3) | 0;   // field 1, varint
    private const byte CrcTag = (2 << 3) | 0;    // field 2, varint
    private const byte DataTag = (3 << 3) | 2;   // field 3, length-delimited

    /// <summary>An upper bound of the envelope around <paramref name="dataLength"/> bytes of data, frame included.</summary>
    public static int MaxFrameSize(int dataLength) =>
        WalFrame.LengthFieldSize + 1 + 5 + dataLength + 1 + 5 + 1 + 1 + 7;

    /// <summary>
    /// Writes a framed record at the start of <paramref name="destination"/>. The data is produced in place by
    /// <paramref name="writeData"/> (exactly <paramref name="dataLength"/> bytes), then checksummed:
    /// the record's crc is <c>Update(crc, data)</c> and becomes the new running <paramref name="crc"/>.
    /// Returns the frame's size.
    /// </summary>
    public static int Write<TState>(
        Span<byte> destination, WalRecordType type, ref uint crc, bool hasData, int dataLength, TState state, SpanAction<byte, TState> writeData)
    {
        int p = WalFrame.LengthFieldSize;
        if (hasData)
        {
            destination[p++] = DataTag;
            p += WriteVarint(destination[p..], (ulong)dataLength);
            Span<byte> data = destination.Slice(p, dataLength);
            writeData(data, state);
            crc = Crc32C.Update(crc, data);
            p += dataLength;
        }

        destination[p++] = CrcTag;
        p += WriteVarint(destination[p..], crc);
        destination[p++] = TypeTag;
        destination[p++] = (byte)type;

        long recordBytes = p - WalFrame.LengthFieldSize;
        WalFrame.WriteLengthField(destination, recordBytes);
        int pad = WalFrame.PadBytes(recordBytes);
        destination.Slice(p, pad).Clear();
        return p + pad;
    }

    /// <summary>Writes a record whose data is a protobuf message.</summary>
    public static int WriteMessage(Span<byte> destination, WalRecordType type, ref uint crc, IMessage message, int size) =>
        Write(destination, type, ref crc, hasData: true, size, message, static (span, m) => m.WriteTo(span));

    /// <summary>
    /// Parses the record bytes of one frame. False when they are not a well-formed record: unknown or repeated
    /// fields, a missing crc, a type outside 1..5, or bytes left over.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> record, out WalRecordType type, out uint crc, out ReadOnlySpan<byte> data)
    {
        type = 0;
        crc = 0;
        data = default;
        bool sawType = false, sawCrc = false, sawData = false;
        int p = 0;
        while (p < record.Length)
        {
            if (!TryReadVarint(record, ref p, out ulong tag))
            {
                return false;
            }

            switch (tag)
            {
                case TypeTag when !sawType:
                    if (!TryReadVarint(record, ref p, out ulong t) || t < 1 || t > 5)
                    {
                        return false;
                    }

                    type = (WalRecordType)t;
                    sawType = true;
                    break;
                case CrcTag when !sawCrc:
                    if (!TryReadVarint(record, ref p, out ulong c) || c > uint.MaxValue)
                    {
                        return false;
                    }

                    crc = (uint)c;
                    sawCrc = true;
                    break;
                case DataTag when !sawData:
                    if (!TryReadVarint(record, ref p, out ulong length) || length > (ulong)(record.Length - p))
                    {
                        return false;
                    }

                    data = record.Slice(p, (int)length);
                    p += (int)length;
                    sawData = true;
                    break;
                default:
                    return false;
            }
        }

        return sawType && sawCrc;
    }

    private static int WriteVarint(Span<byte> destination, ulong value)
    {
        int i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> source, ref int p, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (p >= source.Length)
            {
                return false;
            }

            byte b = source[p++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
