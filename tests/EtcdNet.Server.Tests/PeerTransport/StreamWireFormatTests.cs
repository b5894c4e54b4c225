using EtcdNet.Grpc;
using EtcdNet.Raft.Raftpb;
using EtcdNet.TestKit;
using Google.Protobuf;

namespace EtcdNet.Server.Tests.PeerTransport;

/// <summary>The message stream as a foreign client sees it: the framing the README documents, built by hand.</summary>
public sealed class StreamWireFormatTests
{
    private const string StreamPath = "/etcdnet.rafthttp.Peer/Stream";

    private static byte[] RepeatedField1(params Message[] messages)
    {
        var output = new MemoryStream();
        var coded = new CodedOutputStream(output);
        foreach (var m in messages)
        {
            coded.WriteTag(1, WireFormat.WireType.LengthDelimited);
            coded.WriteMessage(m);
        }

        coded.Flush();
        return output.ToArray();
    }

    [Fact]
    public async Task Stream_HandBuiltFrames_AreAcknowledgedAndProcessedInOrder()
    {
        await using var b = await PeerMember.StartAsync(PeerMember.FastOptions(2));
        using var channel = new GrpcChannel(new Uri(b.Url));
        await using var call = channel.Duplex(StreamPath, RawBytes.Marshaller, RawBytes.Marshaller, RawBytes.Headers("c1", "1", "2"));

        await call.WriteAsync([]); // an empty batch, as the transport opens (it flushes the request headers)
        Assert.True(await call.Responses.MoveNextAsync());
        Assert.Empty(call.Responses.Current); // the acknowledgement is an empty batch

        var big = new byte[600_000];
        new Random(3).NextBytes(big);
        var heartbeat = new Message { Type = MessageType.MsgHeartbeat, From = 1, To = 2, Term = 5, Commit = 9 };
        var append = new Message
        {
            Type = MessageType.MsgApp, From = 1, To = 2, Term = 5, Index = 10,
            Entries = { new Entry { Term = 5, Index = 11, Data = ByteString.CopyFrom(big) } },
        };
        var vote = new Message { Type = MessageType.MsgVote, From = 1, To = 2, Term = 6 };
        await call.WriteAsync(RepeatedField1(heartbeat, append));
        await call.WriteAsync(RepeatedField1(vote));

        await Eventually.TrueAsync(() => Task.FromResult(b.Handler.Received.Count == 3), TimeSpan.FromSeconds(10), "three messages");
        Assert.Equal([heartbeat, append, vote], b.Handler.Received);
        Assert.Equal(heartbeat.CalculateSize() + append.CalculateSize() + vote.CalculateSize(),
            b.Transport.Stats().Single(s => s.Id == 1).ReceivedBytes);
    }

    [Fact]
    public async Task Stream_TruncatedFrame_EndsTheStreamWithAnError()
    {
        await using var b = await PeerMember.StartAsync(PeerMember.FastOptions(2));
        using var channel = new GrpcChannel(new Uri(b.Url));
        await using var call = channel.Duplex(StreamPath, RawBytes.Marshaller, RawBytes.Marshaller, RawBytes.Headers("c1", "1"));
        await call.WriteAsync([]);
        Assert.True(await call.Responses.MoveNextAsync());

        var frame = RepeatedField1(new Message { Type = MessageType.MsgApp, From = 1, To = 2, Index = 4 });
        await call.WriteAsync(frame[..^1]);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await call.Responses.MoveNextAsync());
        Assert.NotEqual(StatusCode.OK, error.StatusCode);
        Assert.Empty(b.Handler.Received);
    }

    [Theory]
    [InlineData("c1", "1", "5", StatusCode.FailedPrecondition, "to field mismatch")]
    [InlineData("c2", "1", "2", StatusCode.FailedPrecondition, "etcdserver: cluster ID mismatch")]
    [InlineData("c1", "zz", "2", StatusCode.InvalidArgument, "invalid from")]
    public async Task Stream_BadHeaders_AreRefused(string clusterId, string from, string to, StatusCode code, string detail)
    {
        await using var b = await PeerMember.StartAsync(PeerMember.FastOptions(2));
        using var channel = new GrpcChannel(new Uri(b.Url));
        await using var call = channel.Duplex(StreamPath, RawBytes.Marshaller, RawBytes.Marshaller, RawBytes.Headers(clusterId, from, to));

        await call.WriteAsync([]); // an empty batch, as the transport opens (it flushes the request headers)
        var error = await Assert.ThrowsAsync<RpcException>(async () => await call.Responses.MoveNextAsync());

        Assert.Equal(code, error.StatusCode);
        Assert.Equal(detail, error.Detail);
    }
}
