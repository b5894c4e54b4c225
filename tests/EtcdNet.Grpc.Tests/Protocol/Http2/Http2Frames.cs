namespace EtcdNet.Grpc.Tests;

/// <summary>Builds and splits raw HTTP/2 frames for tests.</summary>
internal static class Http2Frames
{
    public static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    public static byte[] Frame(Http2FrameType type, byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[Http2FrameHeader.Size + payload.Length];
        new Http2FrameHeader(payload.Length, type, flags, streamId).Write(frame);
        payload.CopyTo(frame.AsSpan(Http2FrameHeader.Size));
        return frame;
    }

    public static List<(Http2FrameHeader Header, byte[] Payload)> Parse(ReadOnlySpan<byte> bytes)
    {
        var frames = new List<(Http2FrameHeader, byte[])>();
        while (!bytes.IsEmpty)
        {
            var header = Http2FrameHeader.Read(bytes);
            frames.Add((header, bytes.Slice(Http2FrameHeader.Size, header.Length).ToArray()));
            bytes = bytes[(Http2FrameHeader.Size + header.Length)..];
        }

        return frames;
    }
}
