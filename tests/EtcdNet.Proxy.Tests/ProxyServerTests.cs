using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using EtcdNet.TestKit;

namespace EtcdNet.Proxy.Tests;

public sealed class ProxyServerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    // Long enough that a held byte would have arrived through an idle loopback proxy many times over.
    private static readonly TimeSpan QuietWindow = TimeSpan.FromMilliseconds(400);

    [Fact]
    public async Task Pipe_BytesBothWays_ArriveIntact()
    {
        await using var loop = Loopback.Start();
        var (client, server) = await loop.ConnectAsync();
        var up = RandomBytes(1_000_000, seed: 1);
        var down = RandomBytes(700_000, seed: 2);

        // Both directions at once, larger than the proxy's queues, so backpressure is exercised in both.
        var sendUp = Loopback.SendAsync(client, up);
        var sendDown = Loopback.SendAsync(server, down);
        var gotUp = await Loopback.ReceiveAsync(server, up.Length, Patience);
        var gotDown = await Loopback.ReceiveAsync(client, down.Length, Patience);
        await Task.WhenAll(sendUp, sendDown);

        Assert.Equal(up, gotUp);
        Assert.Equal(down, gotDown);
        Assert.Equal(1, loop.Proxy.ConnectionCount);
    }

    [Fact]
    public async Task Pipe_ClientCloses_ServerSeesEndAndConnectionIsReleased()
    {
        await using var loop = Loopback.Start();
        var (client, server) = await loop.ConnectAsync();
        await Loopback.SendAsync(client, "bye"u8.ToArray());
        client.Shutdown(SocketShutdown.Send);

        Assert.Equal("bye"u8.ToArray(), await Loopback.ReceiveAsync(server, 3, Patience));
        var buffer = new byte[1];
        Assert.Equal(0, await server.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Patience));

        // Half-close: the other direction still works until the server closes too.
        await Loopback.SendAsync(server, "ok"u8.ToArray());
        Assert.Equal("ok"u8.ToArray(), await Loopback.ReceiveAsync(client, 2, Patience));
        server.Shutdown(SocketShutdown.Send);
        await Eventually.TrueAsync(() => Task.FromResult(loop.Proxy.ConnectionCount == 0), Patience, "the proxy to drop the closed connection");
    }

    [Fact]
    public async Task DelayTx_AddsLatencyWithinRandomBound()
    {
        await using var loop = Loopback.Start();
        var (client, server) = await loop.ConnectAsync();
        loop.Proxy.Tx.Delay(TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(100));
        var chosen = loop.Proxy.Tx.Latency;
        Assert.InRange(chosen, TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(600));

        var watch = Stopwatch.StartNew();
        await Loopback.SendAsync(client, "x"u8.ToArray());
        await Loopback.ReceiveAsync(server, 1, Patience);
        Assert.True(watch.Elapsed >= chosen - TimeSpan.FromMilliseconds(20), $"arrived after {watch.Elapsed}, latency {chosen}");

        // rx is a separate direction: not delayed by tx's latency.
        Assert.Equal(TimeSpan.Zero, loop.Proxy.Rx.Latency);
    }

    [Fact]
    public async Task DelayRx_ManyChunks_DelayedOnceNotPerChunk()
    {
        await using var loop = Loopback.Start();
        var (client, server) = await loop.ConnectAsync();
        loop.Proxy.Rx.Delay(TimeSpan.FromMilliseconds(300), TimeSpan.Zero);

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
        {
            await Loopback.SendAsync(server, [(byte)i]);
            await Task.Yield();
        }

        var got = await Loopback.ReceiveAsync(client, 20, Patience);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (byte)i), got);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(280), $"arrived after {watch.Elapsed}");
        // 20 separate chunks each waiting 300 ms in turn would take 6 s; a delay line takes about 300 ms.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"arrived after {watch.Elapsed}");
    }

    [Fact]
    public async Task Undelay_RestoresImmediateForwarding()
    {
        await using var loop = Loopback.Start();
        var (client, server) = await loop.ConnectAsync();
        loop.Proxy.Tx.Delay(TimeSpan.FromSeconds(30), TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromSeconds(30), loop.Proxy.Tx.Undelay());

        await Loopback.SendAsync(client, "y"u8.ToArray());
        Assert.Equal("y"u8.ToArray(), await Loopback.ReceiveAsync(server, 1, Patience));
    }

    [Fact]
    public async Task PauseTx_HoldsTrafficUntilUnpaused()
    {
        await using var loop = Loopback.Start();
        var (client, server) = await loop.ConnectAsync();
        loop.Proxy.Tx.Pause();

        await Loopback.SendAsync(client, "held"u8.ToArray());
        Assert.True(await Loopback.NothingArrivesWithinAsync(server, QuietWindow), "data passed a paused tx");

        // rx still flows while tx is paused.
        await Loopback.SendAsync(server, "r"u8.ToArray());
        Assert.Equal("r"u8.ToArray(), await Loopback.ReceiveAsync(client, 1, Patience));

        loop.Proxy.Tx.Unpause();
        Assert.Equal("held"u8.ToArray(), await Loopback.ReceiveAsync(server, 4, Patience));
    }

    [Fact]
    public async Task PauseRx_HoldsTrafficUntilUnpaused()
    {
        await using var loop = Loopback.Start();
        var (client, server) = await loop.ConnectAsync();
        loop.Proxy.Rx.Pause();

        await Loopback.SendAsync(server, "held"u8.ToArray());
        Assert.True(await Loopback.NothingArrivesWithinAsync(client, QuietWindow), "data passed a paused rx");

        loop.Proxy.Rx.Unpause();
        Assert.Equal("held"u8.ToArray(), await Loopback.ReceiveAsync(client, 4, Patience));
    }

    [Fact]
    public async Task BlackholeTx_DropsUntilUnblackholed()
    {
        await using var loop = Loopback.Start();
        var (client, server) = await loop.ConnectAsync();
        loop.Proxy.Tx.Blackhole();

        await Loopback.SendAsync(client, "lost"u8.ToArray());
        Assert.True(await Loopback.NothingArrivesWithinAsync(server, QuietWindow), "data passed a blackholed tx");

        loop.Proxy.Tx.Unblackhole();
        await Loopback.SendAsync(client, "kept"u8.ToArray());
        // The first bytes to arrive are the ones sent after the blackhole ended: the others were dropped, not held.
        Assert.Equal("kept", Encoding.ASCII.GetString(await Loopback.ReceiveAsync(server, 4, Patience)));
    }

    [Fact]
    public async Task BlackholeRx_DropsUntilUnblackholed()
    {
        await using var loop = Loopback.Start();
        var (client, server) = await loop.ConnectAsync();
        loop.Proxy.Rx.Blackhole();

        await Loopback.SendAsync(server, "lost"u8.ToArray());
        Assert.True(await Loopback.NothingArrivesWithinAsync(client, QuietWindow), "data passed a blackholed rx");

        loop.Proxy.Rx.Unblackhole();
        await Loopback.SendAsync(server, "kept"u8.ToArray());
        Assert.Equal("kept", Encoding.ASCII.GetString(await Loopback.ReceiveAsync(client, 4, Patience)));
    }

    [Fact]
    public async Task Faults_ApplyToConnectionsOpenedLater()
    {
        await using var loop = Loopback.Start();
        loop.Proxy.Tx.Blackhole();
        var (client, server) = await loop.ConnectAsync();
        await Loopback.SendAsync(client, "lost"u8.ToArray());
        Assert.True(await Loopback.NothingArrivesWithinAsync(server, QuietWindow), "data passed a blackholed tx");
    }

    [Fact]
    public async Task Dispose_ClosesOpenConnections()
    {
        var loop = Loopback.Start();
        try
        {
            var (client, _) = await loop.ConnectAsync();
            loop.Proxy.Tx.Pause(); // a held connection must not keep the proxy from stopping
            await Loopback.SendAsync(client, "x"u8.ToArray());
            await loop.Proxy.DisposeAsync().AsTask().WaitAsync(Patience);

            // Closed either way: a FIN, or a reset when the paused "x" was still unread in the proxy's socket
            // (Linux resets a socket closed with unread data).
            var buffer = new byte[1];
            try
            {
                var n = await client.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Patience);
                Assert.Equal(0, n);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
            }
        }
        finally
        {
            await loop.DisposeAsync();
        }
    }

    [Fact]
    public async Task Accept_TargetDown_ClosesClientAndKeepsServing()
    {
        var deadPort = Ports.Free();
        await using var proxy = ProxyServer.Start(new ProxyAddress("127.0.0.1", 0), new ProxyAddress("127.0.0.1", deadPort));
        for (var i = 0; i < 2; i++)
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(proxy.ListenEndPoint);
            var buffer = new byte[1];
            int n;
            try
            {
                n = await client.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Patience);
            }
            catch (SocketException)
            {
                n = 0; // a reset is as good as a close here
            }

            Assert.Equal(0, n);
        }
    }

    private static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
