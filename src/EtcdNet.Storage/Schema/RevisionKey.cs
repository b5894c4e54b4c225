using System.Buffers.Binary;

namespace EtcdNet.Storage.Schema;

/// <summary>
/// Key encoding of the <see cref="Buckets.Key"/> bucket, as etcd's: 8 bytes big-endian main revision, '_',
/// 8 bytes big-endian sub revision, and a trailing 't' when the record is a tombstone. Big-endian makes the
/// byte order of keys the numeric order of revisions, so a range scan walks history in revision order.
/// </summary>
public static class RevisionKey
{
    /// <summary>Length of a plain revision key.</summary>
    public const int Size = 17;

    /// <summary>Length of a tombstone revision key (plain key plus the mark).</summary>
    public const int TombstoneSize = Size + 1;

    /// <summary>Separator between main and sub.</summary>
    public const byte Separator = (byte)'_';

    /// <summary>Mark appended to a tombstone's key.</summary>
    public const byte TombstoneMark = (byte)'t';

    /// <summary>Writes the 17-byte key of (main, sub) into <paramref name="destination"/>.</summary>
    public static void Write(long main, long sub, Span<byte> destination)
    {
        BinaryPrimitives.WriteInt64BigEndian(destination, main);
        destination[8] = Separator;
        BinaryPrimitives.WriteInt64BigEndian(destination[9..], sub);
    }

    /// <summary>Returns a new key for (main, sub), with the tombstone mark when <paramref name="tombstone"/>.</summary>
    public static byte[] Encode(long main, long sub, bool tombstone = false)
    {
        var bytes = new byte[tombstone ? TombstoneSize : Size];
        Write(main, sub, bytes);
        if (tombstone)
        {
            bytes[Size] = TombstoneMark;
        }
        return bytes;
    }

    /// <summary>Reads (main, sub) from a plain or tombstone key.</summary>
    public static (long Main, long Sub) Decode(ReadOnlySpan<byte> key)
    {
        if (key.Length < Size)
        {
            throw new FormatException($"revision key must be at least {Size} bytes, got {key.Length}");
        }
        return (BinaryPrimitives.ReadInt64BigEndian(key), BinaryPrimitives.ReadInt64BigEndian(key[9..]));
    }

    /// <summary>True when the key carries the tombstone mark.</summary>
    public static bool IsTombstone(ReadOnlySpan<byte> key) =>
        key.Length == TombstoneSize && key[Size] == TombstoneMark;
}
