using System.Net;
using System.Text;

namespace EtcdNet.Grpc.Tests;

public sealed class UnaryCallTests : IAsyncLifetime
{
    private readonly EchoService.Probe _probe = new();
    private TestServer _server = null!;
    private GrpcChannel _channel = null!;
    private RawGrpc _raw = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(r => EchoService.Register(r, _probe));
        _channel = _server.CreateChannel();
        _raw = new RawGrpc(_server.Address);
    }

    public async Task DisposeAsync()
    {
        _raw.Dispose();
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task UnaryAsync_Echo_ReturnsResponse()
    {
        var reply = await Call("Say", "hello");
        Assert.Equal("echo:hello", reply);
    }

    [Fact]
    public async Task Unary_Success_SendsHeadersOneFrameAndOkTrailers()
    {
        var response = await _raw.PostAsync("/test.Echo/Say", RawGrpc.Frame("hi"u8.ToArray()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new Version(2, 0), response.Version);
        Assert.Equal("application/grpc", response.ContentType);
        Assert.Null(response.HeaderOrNull("grpc-status"));
        Assert.Equal(RawGrpc.Frame("echo:hi"u8.ToArray()), response.Body);
        Assert.Equal("0", response.TrailerOrNull("grpc-status"));
        Assert.Null(response.TrailerOrNull("grpc-message"));
    }

    [Theory]
    [InlineData("application/grpc+proto")]
    [InlineData("application/grpc;charset=utf-8")]
    public async Task Unary_GrpcContentTypeWithSuffix_IsAccepted(string contentType)
    {
        var response = await _raw.PostAsync("/test.Echo/Say", RawGrpc.Frame("x"u8.ToArray()), contentType);

        Assert.Equal("0", response.TrailerOrNull("grpc-status"));
        Assert.Equal("application/grpc", response.ContentType);
    }

    [Fact]
    public async Task Unary_HandlerThrowsRpcException_TrailersOnlyWithRawMessage()
    {
        var response = await _raw.PostAsync("/test.Echo/Fail", RawGrpc.Frame("etcdserver: key is not provided"u8.ToArray()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/grpc", response.ContentType);
        Assert.Equal("3", response.HeaderOrNull("grpc-status"));
        Assert.Equal("etcdserver: key is not provided", response.HeaderOrNull("grpc-message"));
        Assert.Empty(response.Body);
        Assert.Empty(response.Trailers);
    }

    [Fact]
    public async Task UnaryAsync_HandlerThrowsRpcException_ThrowsSameStatusAndDetail()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => Call("Fail", "100% wrong: é"));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("100% wrong: é", e.Detail);
    }

    [Fact]
    public async Task Unary_NonAsciiMessage_IsPercentEncodedOnTheWire()
    {
        var response = await _raw.PostAsync("/test.Echo/Fail", RawGrpc.Frame(Encoding.UTF8.GetBytes("100% é")));

        Assert.Equal("100%25 %C3%A9", response.HeaderOrNull("grpc-message"));
    }

    [Fact]
    public async Task UnaryAsync_HandlerThrowsOtherException_ReturnsUnknownWithMessage()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => Call("Crash", "boom"));
        Assert.Equal(StatusCode.Unknown, e.StatusCode);
        Assert.Equal("boom", e.Detail);
    }

    [Fact]
    public async Task Unary_HandlerThrowsOtherException_NeverHttp500()
    {
        var response = await _raw.PostAsync("/test.Echo/Crash", RawGrpc.Frame("boom"u8.ToArray()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2", response.HeaderOrNull("grpc-status"));
    }

    [Fact]
    public async Task UnaryAsync_LargeMessage_RoundTripsAcrossBufferSegments()
    {
        var payload = new byte[3 * 1024 * 1024];
        new Random(42).NextBytes(payload);

        var reply = await _channel.UnaryAsync("/test.Echo/Bytes", payload, Marshallers.Bytes, Marshallers.Bytes);

        Assert.Equal(payload, reply);
    }

    [Fact]
    public async Task UnaryAsync_EmptyMessage_RoundTrips()
    {
        var reply = await _channel.UnaryAsync("/test.Echo/Bytes", Array.Empty<byte>(), Marshallers.Bytes, Marshallers.Bytes);
        Assert.Empty(reply);
    }

    [Fact]
    public async Task CallContext_GetHeader_ReturnsMetadataByLowerCaseName()
    {
        var metadata = new Dictionary<string, string> { ["token"] = "abc.123", ["hasleader"] = "true" };

        Assert.Equal("abc.123", await Call("Header", "token", metadata));
        Assert.Equal("true", await Call("Header", "hasleader", metadata));
        Assert.Equal("<null>", await Call("Header", "absent", metadata));
    }

    [Fact]
    public async Task CallContext_Peer_IsClientAddressAndPort()
    {
        var peer = await Call("Peer", "");
        Assert.StartsWith("127.0.0.1:", peer, StringComparison.Ordinal);
        Assert.True(int.Parse(peer["127.0.0.1:".Length..], System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task UnaryAsync_ManyConcurrentCallsOverSeveralConnections_AllSucceed()
    {
        using var channel = _server.CreateChannel(new GrpcChannelOptions { Connections = 3 });
        var calls = new Task<string>[200];
        for (var i = 0; i < calls.Length; i++)
        {
            calls[i] = channel.UnaryAsync("/test.Echo/Say", i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Marshallers.String, Marshallers.String);
        }

        var replies = await Task.WhenAll(calls);
        for (var i = 0; i < replies.Length; i++)
        {
            Assert.Equal("echo:" + i, replies[i]);
        }
    }

    [Fact]
    public async Task UnaryAsync_NothingListening_ThrowsUnavailable()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var channel = new GrpcChannel(new Uri($"http://127.0.0.1:{port}"));

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync("/test.Echo/Say", "x", Marshallers.String, Marshallers.String));

        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
    }

    private Task<string> Call(string method, string request, IReadOnlyDictionary<string, string>? metadata = null) =>
        _channel.UnaryAsync("/test.Echo/" + method, request, Marshallers.String, Marshallers.String, metadata);
}
