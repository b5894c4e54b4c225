using System.Buffers.Binary;

namespace EtcdNet.Storage.Schema;

/// <summary>Encoding of the meta values consistent_index and term: unsigned 64-bit, big-endian, as etcd.</summary>
public static class ConsistentIndex
{
    /// <summary>Encoded length in bytes.</summary>
    public const int Size = 8;

    /// <summary>Encodes <paramref name="value"/> into a new 8-byte array.</summary>
    public static byte[] Encode(ulong value)
    {
        var bytes = new byte[Size];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
    }

    /// <summary>Decodes an 8-byte big-endian value; an empty value (never written) decodes to 0.</summary>
    public static ulong Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return 0;
        }
        if (bytes.Length != Size)
        {
            throw new FormatException($"consistent index must be {Size} bytes, got {bytes.Length}");
        }
        return BinaryPrimitives.ReadUInt64BigEndian(bytes);
    }
}
