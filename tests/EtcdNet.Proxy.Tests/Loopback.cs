using System.Net;
using System.Net.Sockets;
using EtcdNet.Proxy;

namespace EtcdNet.Proxy.Tests;

/// <summary>A proxy on loopback in front of a listener the test owns, so both ends of a proxied connection are at hand.</summary>
internal sealed class Loopback : IAsyncDisposable
{
    private readonly TcpListener _target;
    private readonly List<Socket> _sockets = [];

    private Loopback(TcpListener target, ProxyServer proxy)
    {
        _target = target;
        Proxy = proxy;
    }

    public ProxyServer Proxy { get; }

    public static Loopback Start()
    {
        var target = new TcpListener(IPAddress.Loopback, 0);
        target.Start();
        var port = ((IPEndPoint)target.LocalEndpoint).Port;
        return new Loopback(target, ProxyServer.Start(new ProxyAddress("127.0.0.1", 0), new ProxyAddress("127.0.0.1", port)));
    }

    /// <summary>Connects through the proxy; returns the client end and the end the target accepted.</summary>
    public async Task<(Socket Client, Socket Server)> ConnectAsync()
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _sockets.Add(client);
        await client.ConnectAsync(Proxy.ListenEndPoint).WaitAsync(TimeSpan.FromSeconds(10));
        var server = await _target.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(10));
        server.NoDelay = true;
        _sockets.Add(server);
        return (client, server);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var socket in _sockets) socket.Dispose();
        await Proxy.DisposeAsync();
        _target.Stop();
    }

    public static async Task SendAsync(Socket socket, byte[] data)
    {
        var sent = 0;
        while (sent < data.Length) sent += await socket.SendAsync(data.AsMemory(sent), SocketFlags.None);
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes, or fails after <paramref name="timeout"/>.</summary>
    public static async Task<byte[]> ReceiveAsync(Socket socket, int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cts.Token);
            if (n == 0) throw new EndOfStreamException($"closed after {read} of {count} bytes");
            read += n;
        }

        return buffer;
    }

    /// <summary>True when nothing arrives within <paramref name="window"/> (the data is being held or dropped).</summary>
    public static async Task<bool> NothingArrivesWithinAsync(Socket socket, TimeSpan window)
    {
        using var cts = new CancellationTokenSource(window);
        var buffer = new byte[1];
        try
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }
}
