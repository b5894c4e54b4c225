using System.Net;

namespace EtcdNet.Grpc.Tests;

public sealed class SharedPortTests
{
    [Fact]
    public async Task SamePort_ServesHttp1HealthAndH2cGrpc()
    {
        await using var server = await TestServer.StartAsync(r => EchoService.Register(r, new EchoService.Probe()));
        using var http1 = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var channel = server.CreateChannel();

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Address, "/health"))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var health = await http1.SendAsync(request);
        var grpc = await channel.UnaryAsync("/test.Echo/Say", "ping", Marshallers.String, Marshallers.String);
        var body = await health.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(new Version(1, 1), health.Version);
        Assert.Equal("{\"health\":\"true\",\"protocol\":\"HTTP/1.1\"}", body);
        Assert.Equal("echo:ping", grpc);
    }

    [Fact]
    public async Task SamePort_H2cGetToHostEndpoint_FallsThrough()
    {
        await using var server = await TestServer.StartAsync(r => EchoService.Register(r, new EchoService.Probe()));
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Address, "/health"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        using var response = await client.SendAsync(request);

        Assert.Equal(new Version(2, 0), response.Version);
        Assert.Equal("{\"health\":\"true\",\"protocol\":\"HTTP/2\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Http1PostWithGrpcContentType_Returns426()
    {
        await using var server = await TestServer.StartAsync(r => EchoService.Register(r, new EchoService.Probe()));
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Address, "/test.Echo/Say"))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(RawGrpc.Frame("x"u8.ToArray())),
        };
        request.Content.Headers.ContentType = new("application/grpc");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
    }

    [Fact]
    public async Task SamePort_SlowlyArrivingHttp1Request_IsServed()
    {
        // A request that arrives a byte at a time must still be told apart from the h2 preface and served.
        await using var server = await TestServer.StartAsync(r => EchoService.Register(r, new EchoService.Probe()));
        using var socket = new System.Net.Sockets.TcpClient { NoDelay = true };
        await socket.ConnectAsync(server.Address.Host, server.Address.Port);
        var stream = socket.GetStream();
        var request = "POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray();
        foreach (var b in request)
        {
            await stream.WriteAsync(new[] { b });
            await stream.FlushAsync();
        }

        using var reader = new StreamReader(stream);
        var text = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(15));

        Assert.StartsWith("HTTP/1.1 200", text, StringComparison.Ordinal);
        Assert.Contains("\"protocol\":\"HTTP/1.1\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SamePort_SlowlyArrivingH2Preface_IsServedAsHttp2()
    {
        await using var server = await TestServer.StartAsync(r => EchoService.Register(r, new EchoService.Probe()));
        using var socket = new System.Net.Sockets.TcpClient { NoDelay = true };
        await socket.ConnectAsync(server.Address.Host, server.Address.Port);
        var stream = socket.GetStream();
        foreach (var b in "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray())
        {
            await stream.WriteAsync(new[] { b });
            await stream.FlushAsync();
        }

        // An empty SETTINGS frame; an HTTP/2 server answers with its own SETTINGS frame (type 4) first.
        await stream.WriteAsync(new byte[] { 0, 0, 0, 4, 0, 0, 0, 0, 0 });
        var header = new byte[9];
        await stream.ReadExactlyAsync(header).AsTask().WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(4, header[3]);
        Assert.Equal(0, header[4] & 1);
    }

    [Fact]
    public async Task SamePort_ConnectionStuckInsidePreface_IsClosedAfterHeadersTimeout()
    {
        await using var server = await TestServer.StartAsync(r => EchoService.Register(r, new EchoService.Probe()),
            kestrelOptions: k => k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(1));
        using var socket = new System.Net.Sockets.TcpClient { NoDelay = true };
        await socket.ConnectAsync(server.Address.Host, server.Address.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync("PRI * HT"u8.ToArray());

        // Closed means end of stream or a reset (the server aborts with our bytes unread); a timeout here fails.
        int read;
        try
        {
            read = await stream.ReadAsync(new byte[16]).AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (IOException)
        {
            read = 0;
        }

        Assert.Equal(0, read);
    }
}
