using System.Net;
using System.Net.Sockets;
using EtcdNet.Proxy;
using EtcdNet.TestKit;

namespace EtcdNet.Proxy.Tests;

/// <summary>The control API over real HTTP, and the proxy it controls, in one process on loopback.</summary>
public sealed class ProxyHostTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task ControlApi_OverHttp_CurlStyleFormChangesProxy()
    {
        await using var host = await ProxyHost.StartAsync(new ProxyFlags { From = "127.0.0.1:0", To = "127.0.0.1:1", HttpPort = 0 });
        Assert.NotEqual(0, host.ControlUrl.Port);

        using var put = await Http.PutAsync(new Uri(host.ControlUrl, "/delay-tx"),
            new FormUrlEncodedContent([new("latency", "5s"), new("random-variable", "100ms")]));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.StartsWith("added send latency 5s±100ms (current latency ", await put.Content.ReadAsStringAsync());
        Assert.InRange(host.Proxy.Tx.Latency, TimeSpan.FromMilliseconds(4900), TimeSpan.FromMilliseconds(5100));

        var get = await Http.GetStringAsync(new Uri(host.ControlUrl, "/delay-tx"));
        Assert.Equal($"current send latency {GoDuration.Format(host.Proxy.Tx.Latency)}\n", get);

        var latency = GoDuration.Format(host.Proxy.Tx.Latency);
        using var delete = await Http.DeleteAsync(new Uri(host.ControlUrl, "/delay-tx"));
        Assert.Equal($"removed latency {latency}\n", await delete.Content.ReadAsStringAsync());
        Assert.Equal(TimeSpan.Zero, host.Proxy.Tx.Latency);
    }

    [Fact]
    public async Task ControlApi_BadFormOverHttp_OneLineErrorWithStatus200()
    {
        await using var host = await ProxyHost.StartAsync(new ProxyFlags { From = "127.0.0.1:0", To = "127.0.0.1:1", HttpPort = 0 });
        using var content = new StringContent("latency=five&random-variable=1s", null, "application/x-www-form-urlencoded");
        using var put = await Http.PutAsync(new Uri(host.ControlUrl, "/delay-rx"), content);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("wrong latency form \"time: invalid duration \\\"five\\\"\"\n", await put.Content.ReadAsStringAsync());
        Assert.Equal(TimeSpan.Zero, host.Proxy.Rx.Latency);
    }

    [Fact]
    public async Task ProxyHost_PipesAndStopsCleanly()
    {
        var target = new TcpListener(IPAddress.Loopback, 0);
        target.Start();
        try
        {
            var targetPort = ((IPEndPoint)target.LocalEndpoint).Port;
            var host = await ProxyHost.StartAsync(new ProxyFlags { From = "127.0.0.1:0", To = $"127.0.0.1:{targetPort}", HttpPort = Ports.Free() });
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(host.Proxy.ListenEndPoint);
            using var server = await target.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(10));
            await Loopback.SendAsync(client, "ping"u8.ToArray());
            Assert.Equal("ping"u8.ToArray(), await Loopback.ReceiveAsync(server, 4, TimeSpan.FromSeconds(10)));

            await host.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(0, await server.ReceiveAsync(new byte[1], SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(10)));
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => Http.GetStringAsync(host.ControlUrl));
        }
        finally
        {
            target.Stop();
        }
    }
}
