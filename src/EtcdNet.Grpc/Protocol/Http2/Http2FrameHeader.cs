using System.Buffers;
using System.Buffers.Binary;

namespace EtcdNet.Grpc;

/// <summary>The 9-byte HTTP/2 frame header (RFC 7540 §4.1): length, type, flags, stream id.</summary>
internal readonly record struct Http2FrameHeader(int Length, Http2FrameType Type, byte Flags, int StreamId)
{
    public const int Size = 9;

    public const byte EndStream = 0x1;
    public const byte EndHeaders = 0x4;
    public const byte Padded = 0x8;
    public const byte PriorityFlag = 0x20;

    /// <summary>Bytes in a HEADERS payload for the PRIORITY fields (exclusive bit + dependency, weight).</summary>
    public const int PrioritySize = 5;

    public bool HasFlag(byte flag) => (Flags & flag) != 0;

    /// <summary>Reads a frame header from the start of <paramref name="buffer"/>; false if fewer than 9 bytes are there.</summary>
    public static bool TryRead(in ReadOnlySequence<byte> buffer, out Http2FrameHeader header)
    {
        if (buffer.Length < Size)
        {
            header = default;
            return false;
        }

        var first = buffer.FirstSpan;
        if (first.Length >= Size)
        {
            header = Read(first);
            return true;
        }

        Span<byte> bytes = stackalloc byte[Size];
        buffer.Slice(0, Size).CopyTo(bytes);
        header = Read(bytes);
        return true;
    }

    public static Http2FrameHeader Read(ReadOnlySpan<byte> bytes) => new(
        (bytes[0] << 16) | (bytes[1] << 8) | bytes[2],
        (Http2FrameType)bytes[3],
        bytes[4],
        (int)(BinaryPrimitives.ReadUInt32BigEndian(bytes[5..]) & 0x7fffffff));

    public void Write(Span<byte> destination)
    {
        destination[0] = (byte)(Length >> 16);
        destination[1] = (byte)(Length >> 8);
        destination[2] = (byte)Length;
        destination[3] = (byte)Type;
        destination[4] = Flags;
        BinaryPrimitives.WriteUInt32BigEndian(destination[5..], (uint)StreamId);
    }
}
