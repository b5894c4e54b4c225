using System.Buffers;
using EtcdNet.Grpc;
using EtcdNet.Raft.Raftpb;
using Google.Protobuf;

namespace EtcdNet.Server.PeerTransport;

/// <summary>
/// A run of raft messages carried in one gRPC frame, encoded as protobuf <c>repeated raftpb.Message messages = 1</c>
/// so one write and one flush move a whole burst. An empty batch is the stream's acknowledgement.
/// </summary>
internal sealed class MessageBatch
{
    private const byte MessagesTag = (1 << 3) | 2; // field 1, length-delimited

    private readonly List<Message> _messages = [];
    private readonly List<int> _sizes = [];

    public static MessageBatch Empty { get; } = new();

    public static Marshaller<MessageBatch> Marshaller { get; } = new(Parse, b => checked((int)b.EncodedSize), Write);

    public int Count => _messages.Count;

    public IReadOnlyList<Message> Messages => _messages;

    /// <summary>Bytes this batch takes in a frame.</summary>
    public long EncodedSize { get; private set; }

    /// <summary>The encoded size of message <paramref name="i"/> alone (what the byte counters count).</summary>
    public int SizeOf(int i) => _sizes[i];

    public void Add(Message message)
    {
        // Computed once here: protobuf does not cache sizes, and both Size and Write need them.
        Add(message, message.CalculateSize());
    }

    public void Clear()
    {
        _messages.Clear();
        _sizes.Clear();
        EncodedSize = 0;
    }

    private void Add(Message message, int size)
    {
        _messages.Add(message);
        _sizes.Add(size);
        EncodedSize += 1 + CodedOutputStream.ComputeLengthSize(size) + size;
    }

    private static void Write(MessageBatch batch, Span<byte> destination)
    {
        var pos = 0;
        for (var i = 0; i < batch._messages.Count; i++)
        {
            var size = batch._sizes[i];
            destination[pos++] = MessagesTag;
            pos += WriteVarint(destination[pos..], (uint)size);
            batch._messages[i].WriteTo(destination.Slice(pos, size));
            pos += size;
        }
    }

    private static MessageBatch Parse(ReadOnlySequence<byte> data)
    {
        var batch = new MessageBatch();
        var reader = new SequenceReader<byte>(data);
        while (!reader.End)
        {
            if (ReadVarint(ref reader) != MessagesTag)
            {
                throw new InvalidDataException("raft message batch: unexpected field");
            }

            var size = (int)ReadVarint(ref reader);
            if (size < 0 || reader.Remaining < size)
            {
                throw new InvalidDataException("raft message batch: truncated message");
            }

            batch.Add(Message.Parser.ParseFrom(data.Slice(reader.Position, size)), size);
            reader.Advance(size);
        }

        return batch;
    }

    private static int WriteVarint(Span<byte> destination, uint value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    private static uint ReadVarint(ref SequenceReader<byte> reader)
    {
        uint value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (!reader.TryRead(out var b))
            {
                throw new InvalidDataException("raft message batch: truncated varint");
            }

            value |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("raft message batch: malformed varint");
    }
}
