using System.Buffers;
using System.Buffers.Binary;

namespace EtcdNet.Grpc;

/// <summary>Wire constants of gRPC over HTTP/2 and the 5-byte message prefix (flag, big-endian length).</summary>
internal static class GrpcProtocol
{
    public const string ContentType = "application/grpc";
    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string IdentityEncoding = "identity";
    public const int HeaderSize = 5;

    // Cached so writing a status allocates nothing.
    private static readonly string[] StatusStrings = BuildStatusStrings();

    /// <summary>"application/grpc" alone or followed by '+' (codec) or ';' (parameters), as grpc-go accepts.</summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return contentType.Length == ContentType.Length || contentType[ContentType.Length] is '+' or ';';
    }

    public static string StatusString(StatusCode code)
    {
        var i = (int)code;
        return (uint)i < (uint)StatusStrings.Length ? StatusStrings[i] : i.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Reads the prefix when at least 5 bytes are buffered.</summary>
    public static bool TryReadHeader(in ReadOnlySequence<byte> buffer, out byte flag, out uint length)
    {
        if (buffer.Length < HeaderSize)
        {
            flag = 0;
            length = 0;
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        flag = header[0];
        length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        return true;
    }

    /// <summary>Writes an uncompressed prefix for a message of <paramref name="length"/> bytes.</summary>
    public static void WriteHeader(Span<byte> destination, int length)
    {
        destination[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)length);
    }

    private static string[] BuildStatusStrings()
    {
        var strings = new string[17];
        for (var i = 0; i < strings.Length; i++)
        {
            strings[i] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return strings;
    }
}
