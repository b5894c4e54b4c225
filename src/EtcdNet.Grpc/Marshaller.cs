using System.Buffers;

namespace EtcdNet.Grpc;

/// <summary>Writes a message into exactly the number of bytes its marshaller's size function reported.</summary>
public delegate void MessageWriter<T>(T message, Span<byte> destination);

/// <summary>How a message becomes bytes and back; this is all the gRPC layer knows of a message type.</summary>
/// <remarks>
/// <see cref="Parse"/> receives bytes that belong to a pooled buffer: it must copy what it keeps.
/// <see cref="Size"/> is called once per message and <see cref="Write"/> gets a span of exactly that length.
/// </remarks>
public sealed class Marshaller<T>
{
    /// <summary>Creates a marshaller from its three functions.</summary>
    public Marshaller(Func<ReadOnlySequence<byte>, T> parse, Func<T, int> size, MessageWriter<T> write)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(size);
        ArgumentNullException.ThrowIfNull(write);
        Parse = parse;
        Size = size;
        Write = write;
    }

    /// <summary>Decodes one message; the bytes are only valid during the call.</summary>
    public Func<ReadOnlySequence<byte>, T> Parse { get; }

    /// <summary>The encoded length of a message.</summary>
    public Func<T, int> Size { get; }

    /// <summary>Encodes a message into a span of length <see cref="Size"/>.</summary>
    public MessageWriter<T> Write { get; }
}
