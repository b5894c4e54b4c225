using System.Buffers.Binary;

namespace EtcdNet.Storage.Schema;

/// <summary>Key of a lease in the lease bucket: its id as a signed 64-bit big-endian integer, as etcd stores it.</summary>
public static class LeaseKey
{
    public const int Size = 8;

    public static byte[] Encode(long leaseId)
    {
        var bytes = new byte[Size];
        BinaryPrimitives.WriteInt64BigEndian(bytes, leaseId);
        return bytes;
    }

    public static long Decode(ReadOnlySpan<byte> bytes) =>
        bytes.Length == Size ? BinaryPrimitives.ReadInt64BigEndian(bytes) : throw new FormatException($"lease key must be {Size} bytes, got {bytes.Length}");
}
