using System.Net;
using System.Net.Sockets;
using EtcdNet.Grpc;
using EtcdNet.Raft.Raftpb;
using EtcdNet.Server.PeerTransport;
using EtcdNet.TestKit;

namespace EtcdNet.Server.Tests.PeerTransport;

public sealed class RaftTransportTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private static Message Append(ulong from, ulong to, ulong index, int dataBytes = 16) => new()
    {
        Type = MessageType.MsgApp,
        From = from,
        To = to,
        Term = 1,
        Index = index,
        Entries = { new Entry { Term = 1, Index = index, Data = Google.Protobuf.ByteString.CopyFrom(new byte[dataBytes]) } },
    };

    private static async Task<PeerMember[]> StartClusterAsync(int size)
    {
        var members = new PeerMember[size];
        for (var i = 0; i < size; i++)
        {
            members[i] = await PeerMember.StartAsync(PeerMember.FastOptions((ulong)i + 1));
        }

        foreach (var a in members)
        {
            foreach (var b in members.Where(b => b != a))
            {
                await a.ConnectToAsync(b);
            }
        }

        return members;
    }

    private static async Task DisposeAllAsync(IEnumerable<PeerMember> members)
    {
        foreach (var m in members)
        {
            await m.DisposeAsync();
        }
    }

    [Fact]
    public async Task Send_BetweenThreeMembers_DeliversEveryMessageInOrder()
    {
        var members = await StartClusterAsync(3);
        try
        {
            const int count = 2000;
            await Task.WhenAll(members.Select(a => Task.Run(() =>
            {
                // Many small Send calls, as a raft loop makes them, from three threads at once.
                for (var i = 1; i <= count; i++)
                {
                    a.Transport.Send(members.Where(b => b != a).Select(b => Append(a.Id, b.Id, (ulong)i)).ToArray());
                }
            })));

            foreach (var b in members)
            {
                await Eventually.TrueAsync(() => Task.FromResult(b.Handler.Received.Count == 2 * count), Deadline,
                    $"member {b.Id} to receive {2 * count} messages");
                foreach (var a in members.Where(a => a != b))
                {
                    Assert.Equal(Enumerable.Range(1, count).Select(i => (ulong)i), b.Handler.From(a.Id).Select(m => m.Index));
                    Assert.All(b.Handler.From(a.Id), m => Assert.Equal(b.Id, m.To));
                }
            }

            Assert.All(members, m => Assert.Equal(0, m.Handler.UnreachableCount(1) + m.Handler.UnreachableCount(2) + m.Handler.UnreachableCount(3)));
            var stats = members[0].Transport.Stats().Single(s => s.Id == 2);
            Assert.True(stats.Active);
            Assert.True(stats.SentBytes >= count * Append(1, 2, 1).CalculateSize());
            Assert.True(stats.ReceivedBytes >= count * Append(2, 1, 1).CalculateSize());
            Assert.Equal(0, stats.SentFailures);
        }
        finally
        {
            await DisposeAllAsync(members);
        }
    }

    [Fact]
    public async Task Send_PeerDown_ReportsUnreachableThenDeliversAfterItStarts()
    {
        var port = Ports.Free();
        await using var a = await PeerMember.StartAsync(PeerMember.FastOptions(1));
        await using var b = PeerMember.Create(PeerMember.FastOptions(2));
        a.Transport.AddPeer(2, [$"http://127.0.0.1:{port}"]);

        await Eventually.TrueAsync(() =>
        {
            a.Transport.Send([new Message { Type = MessageType.MsgHeartbeat, From = 1, To = 2, Term = 1 }]);
            return Task.FromResult(a.Handler.UnreachableCount(2) > 0);
        }, Deadline, "the down peer to be reported unreachable");
        Assert.False(a.Transport.IsActive(2));
        Assert.True(a.Transport.Stats().Single(s => s.Id == 2).SentFailures > 0);

        await b.ListenAsync(port);
        await Eventually.TrueAsync(() =>
        {
            a.Transport.Send([new Message { Type = MessageType.MsgHeartbeat, From = 1, To = 2, Term = 2 }]);
            return Task.FromResult(b.Handler.Received.Any(m => m.Term == 2));
        }, Deadline, "delivery once the peer is up");
        Assert.True(a.Transport.IsActive(2));
        Assert.DoesNotContain(b.Handler.Received, m => m.Term != 2);
    }

    [Fact]
    public async Task Send_PeerRestarts_ReconnectsAndDelivers()
    {
        await using var a = await PeerMember.StartAsync(PeerMember.FastOptions(1));
        await using var b = await PeerMember.StartAsync(PeerMember.FastOptions(2));
        var port = new Uri(b.Url).Port;
        await a.ConnectToAsync(b);

        await b.StopListeningAsync();
        await Eventually.TrueAsync(() =>
        {
            a.Transport.Send([new Message { Type = MessageType.MsgHeartbeat, From = 1, To = 2, Term = 1 }]);
            return Task.FromResult(!a.Transport.IsActive(2) && a.Handler.UnreachableCount(2) > 0);
        }, Deadline, "the stopped peer to turn inactive");

        await b.ListenAsync(port);
        await Eventually.TrueAsync(() =>
        {
            a.Transport.Send([new Message { Type = MessageType.MsgHeartbeat, From = 1, To = 2, Term = 3 }]);
            return Task.FromResult(b.Handler.Received.Any(m => m.Term == 3));
        }, Deadline, "delivery after the restart");
        Assert.True(a.Transport.Stats().Single(s => s.Id == 2).Disconnects >= 1);
    }

    [Fact]
    public async Task Stream_WrongClusterId_IsRefusedWithEtcdError()
    {
        await using var a = await PeerMember.StartAsync(PeerMember.FastOptions(1, clusterId: 0xaaaa));
        await using var b = await PeerMember.StartAsync(PeerMember.FastOptions(2, clusterId: 0xbbbb));
        a.Transport.AddPeer(2, [b.Url]);

        await Eventually.TrueAsync(() =>
        {
            a.Transport.Send([new Message { Type = MessageType.MsgHeartbeat, From = 1, To = 2, Term = 1 }]);
            return Task.FromResult(a.Handler.UnreachableCount(2) > 0);
        }, Deadline, "the refused peer to be reported unreachable");
        Assert.False(a.Transport.IsActive(2));
        Assert.Empty(b.Handler.Received);

        // The refusal itself, as a client sees it.
        using var channel = new GrpcChannel(new Uri(b.Url));
        await using var call = channel.Duplex("/etcdnet.rafthttp.Peer/Stream", RawBytes.Marshaller, RawBytes.Marshaller,
            RawBytes.Headers("aaaa", "1"));
        await call.WriteAsync([]);
        var error = await Assert.ThrowsAsync<RpcException>(async () => await call.Responses.MoveNextAsync());
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("etcdserver: cluster ID mismatch", error.Detail);
    }

    [Fact]
    public async Task RemovePeer_OnSender_StopsTraffic()
    {
        await using var a = await PeerMember.StartAsync(PeerMember.FastOptions(1));
        await using var b = await PeerMember.StartAsync(PeerMember.FastOptions(2));
        await a.ConnectToAsync(b);
        a.Transport.Send([Append(1, 2, 1)]);
        await Eventually.TrueAsync(() => Task.FromResult(b.Handler.Received.Count == 1), Deadline, "the first message");

        a.Transport.RemovePeer(2);
        a.Transport.Send([Append(1, 2, 2)]);
        a.Transport.AddPeer(2, [b.Url]); // a removed id stays removed
        a.Transport.Send([Append(1, 2, 3)]);

        // A marker through a third member proves the network had time to deliver, without sleeping.
        await using var c = await PeerMember.StartAsync(PeerMember.FastOptions(3));
        await a.ConnectToAsync(c);
        a.Transport.Send([Append(1, 3, 1)]);
        await Eventually.TrueAsync(() => Task.FromResult(c.Handler.Received.Count == 1), Deadline, "the marker");

        Assert.True(a.Transport.IsRemoved(2));
        Assert.False(a.Transport.IsActive(2));
        Assert.Single(b.Handler.Received);
        Assert.Equal(0, a.Handler.UnreachableCount(2));
    }

    [Fact]
    public async Task RemovePeer_OnReceiver_RefusesTheRemovedMemberAndTellsIt()
    {
        await using var a = await PeerMember.StartAsync(PeerMember.FastOptions(1));
        await using var b = await PeerMember.StartAsync(PeerMember.FastOptions(2));
        await a.ConnectToAsync(b);
        a.Transport.Send([Append(1, 2, 1)]);
        await Eventually.TrueAsync(() => Task.FromResult(b.Handler.Received.Count == 1), Deadline, "the first message");

        b.Transport.RemovePeer(1);
        await Eventually.TrueAsync(() =>
        {
            a.Transport.Send([Append(1, 2, 2)]);
            return Task.FromResult(a.Handler.RemovedReports.Contains(2ul));
        }, Deadline, "the removed member to hear it was removed");

        Assert.Single(a.Handler.RemovedReports);
        Assert.DoesNotContain(b.Handler.Received, m => m.Index == 2);
        Assert.False(a.Transport.IsActive(2));
    }

    [Fact]
    public async Task Send_QueueFull_DropsWithoutBlockingAndOtherPeersKeepFlowing()
    {
        // A peer that accepts the connection and then never answers: the stream is never accepted, so messages to it
        // pile up in its queue while other peers are served.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var silentUrl = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}";
        var options = new RaftTransportOptions
        {
            LocalId = 1,
            ClusterId = 0xc1,
            QueueSize = 1000,
            DialTimeout = TimeSpan.FromSeconds(30),
        };
        await using var a = await PeerMember.StartAsync(options);
        await using var c = await PeerMember.StartAsync(PeerMember.FastOptions(3));
        await a.ConnectToAsync(c);
        a.Transport.AddPeer(2, [silentUrl]);

        // Every tenth message also goes to the healthy peer: fewer than its queue holds, so none of those may drop.
        const int count = 5000;
        for (var i = 1; i <= count; i++)
        {
            a.Transport.Send(i % 10 == 0 ? [Append(1, 2, (ulong)i), Append(1, 3, (ulong)i)] : [Append(1, 2, (ulong)i)]);
        }

        Assert.Equal(count - options.QueueSize, a.Handler.UnreachableCount(2));
        Assert.Equal(count - options.QueueSize, a.Transport.Stats().Single(s => s.Id == 2).SentFailures);
        Assert.Equal(0, a.Handler.UnreachableCount(3));
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(c.Handler.Received.Count == count / 10), Deadline,
                "every message to the healthy peer");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}: received {c.Handler.Received.Count}, unreachable {a.Handler.UnreachableCount(3)}, "
                + a.Transport.Stats().Single(s => s.Id == 3), e);
        }

        Assert.False(a.Transport.IsActive(2));
        Assert.Equal(Enumerable.Range(1, count / 10).Select(i => (ulong)i * 10), c.Handler.Received.Select(m => m.Index));
    }

    [Fact]
    public async Task UpdatePeer_NewUrl_RedirectsTheStream()
    {
        await using var a = await PeerMember.StartAsync(PeerMember.FastOptions(1));
        await using var b = await PeerMember.StartAsync(PeerMember.FastOptions(2));
        a.Transport.AddPeer(2, [$"http://127.0.0.1:{Ports.Free()}"]);
        await Eventually.TrueAsync(() =>
        {
            a.Transport.Send([Append(1, 2, 1)]);
            return Task.FromResult(a.Handler.UnreachableCount(2) > 0);
        }, Deadline, "the wrong URL to fail");

        a.Transport.UpdatePeer(2, [b.Url]);
        await Eventually.TrueAsync(() =>
        {
            a.Transport.Send([Append(1, 2, 2)]);
            return Task.FromResult(b.Handler.Received.Any(m => m.Index == 2));
        }, Deadline, "delivery at the new URL");
    }

    [Fact]
    public async Task Probe_ActivePeer_MeasuresRoundTrip()
    {
        var observed = new System.Collections.Concurrent.ConcurrentQueue<(ulong, TimeSpan)>();
        var fast = PeerMember.FastOptions(1);
        await using var a = await PeerMember.StartAsync(new RaftTransportOptions
        {
            LocalId = 1,
            ClusterId = fast.ClusterId,
            ProbeInterval = fast.ProbeInterval,
            RoundTripObserved = (peer, rtt) => observed.Enqueue((peer, rtt)),
        });
        await using var b = await PeerMember.StartAsync(PeerMember.FastOptions(2));
        a.Transport.AddPeer(2, [b.Url]);

        await Eventually.TrueAsync(() => Task.FromResult(observed.Count >= 2), Deadline, "two probes");
        Assert.All(observed, o => Assert.Equal(2ul, o.Item1));
        Assert.All(observed, o => Assert.InRange(o.Item2, TimeSpan.Zero, TimeSpan.FromSeconds(5)));
        Assert.NotNull(a.Transport.Stats().Single(s => s.Id == 2).RoundTripTime);
    }

    [Fact]
    public async Task Send_UnknownPeer_IsIgnored()
    {
        await using var a = await PeerMember.StartAsync(PeerMember.FastOptions(1));
        a.Transport.Send([Append(1, 9, 1)]);
        Assert.Equal(0, a.Handler.UnreachableCount(9));
        Assert.Empty(a.Transport.Stats());
    }
}
