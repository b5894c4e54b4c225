using System.Net;
using System.Text;

namespace EtcdNet.Grpc.Tests;

public sealed class MalformedInputTests : IAsyncLifetime
{
    private const int MaxReceive = 1024;
    private const int MaxSend = 512;
    private TestServer _server = null!;
    private RawGrpc _raw = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(r => EchoService.Register(r, new EchoService.Probe()),
            new GrpcServerOptions { MaxReceiveMessageSize = MaxReceive, MaxSendMessageSize = MaxSend });
        _raw = new RawGrpc(_server.Address);
    }

    public async Task DisposeAsync()
    {
        _raw.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Post_UnknownService_ReturnsUnimplementedLikeGrpcGo()
    {
        var response = await _raw.PostAsync("/test.Nope/Say", RawGrpc.Frame([]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("12", response.HeaderOrNull("grpc-status"));
        Assert.Equal("unknown service test.Nope", response.HeaderOrNull("grpc-message"));
    }

    [Fact]
    public async Task Post_UnknownMethod_ReturnsUnimplementedLikeGrpcGo()
    {
        var response = await _raw.PostAsync("/test.Echo/Shout", RawGrpc.Frame([]));

        Assert.Equal("12", response.HeaderOrNull("grpc-status"));
        Assert.Equal("unknown method Shout for service test.Echo", response.HeaderOrNull("grpc-message"));
    }

    [Fact]
    public async Task UnaryAsync_UnknownMethod_ThrowsUnimplemented()
    {
        using var channel = _server.CreateChannel();
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync("/test.Echo/Shout", "x", Marshallers.String, Marshallers.String));
        Assert.Equal(StatusCode.Unimplemented, e.StatusCode);
    }

    [Fact]
    public async Task Post_DeclaredLengthOverMax_ReturnsResourceExhaustedWithoutWaitingForTheBody()
    {
        // Only the 5-byte prefix is sent: a server that buffered before checking would report a truncated body.
        var response = await _raw.PostAsync("/test.Echo/Say", RawGrpc.Frame([], declaredLength: 100_000_000));

        Assert.Equal("8", response.HeaderOrNull("grpc-status"));
        Assert.Equal($"grpc: received message larger than max (100000000 vs. {MaxReceive})", response.HeaderOrNull("grpc-message"));
    }

    [Fact]
    public async Task UnaryAsync_MessageAtMax_IsAccepted()
    {
        using var channel = _server.CreateChannel();
        var reply = await channel.UnaryAsync("/test.Echo/Length", new byte[MaxReceive], Marshallers.Bytes, Marshallers.String);
        Assert.Equal("1024", reply);
    }

    [Fact]
    public async Task UnaryAsync_ResponseOverMaxSend_ReturnsResourceExhausted()
    {
        using var channel = _server.CreateChannel();
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync("/test.Echo/Say", new string('a', MaxSend), Marshallers.String, Marshallers.String));

        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Equal($"grpc: trying to send message larger than max ({MaxSend + 5} vs. {MaxSend})", e.Detail);
    }

    [Fact]
    public async Task Post_TruncatedPayload_ReturnsInternal()
    {
        var frame = RawGrpc.Frame(Encoding.UTF8.GetBytes("hello"), declaredLength: 10);
        var response = await _raw.PostAsync("/test.Echo/Say", frame);

        Assert.Equal("13", response.HeaderOrNull("grpc-status"));
        Assert.Equal("unexpected EOF", response.HeaderOrNull("grpc-message"));
    }

    [Fact]
    public async Task Post_TruncatedPrefix_ReturnsInternal()
    {
        var response = await _raw.PostAsync("/test.Echo/Say", [0, 0, 0]);

        Assert.Equal("13", response.HeaderOrNull("grpc-status"));
    }

    [Fact]
    public async Task Post_EmptyBodyOnUnary_ReturnsInternal()
    {
        var response = await _raw.PostAsync("/test.Echo/Say", []);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("13", response.HeaderOrNull("grpc-status"));
    }

    [Fact]
    public async Task Post_CompressedFlag_ReturnsUnimplementedAndAcceptEncodingIdentity()
    {
        var response = await _raw.PostAsync("/test.Echo/Say", RawGrpc.Frame("x"u8.ToArray(), flag: 1));

        Assert.Equal("12", response.HeaderOrNull("grpc-status"));
        Assert.Equal("identity", response.HeaderOrNull("grpc-accept-encoding"));
    }

    [Fact]
    public async Task Post_UnknownGrpcEncoding_ReturnsUnimplementedAndAcceptEncodingIdentity()
    {
        var response = await _raw.PostAsync("/test.Echo/Say", RawGrpc.Frame("x"u8.ToArray()),
            headers: [new("grpc-encoding", "gzip")]);

        Assert.Equal("12", response.HeaderOrNull("grpc-status"));
        Assert.Equal("grpc: Decompressor is not installed for grpc-encoding \"gzip\"", response.HeaderOrNull("grpc-message"));
        Assert.Equal("identity", response.HeaderOrNull("grpc-accept-encoding"));
    }

    [Fact]
    public async Task Post_IdentityGrpcEncoding_IsAccepted()
    {
        var response = await _raw.PostAsync("/test.Echo/Say", RawGrpc.Frame("x"u8.ToArray()),
            headers: [new("grpc-encoding", "identity")]);

        Assert.Equal("0", response.TrailerOrNull("grpc-status"));
    }

    [Fact]
    public async Task Post_UnknownPayloadFlag_ReturnsInternal()
    {
        var response = await _raw.PostAsync("/test.Echo/Say", RawGrpc.Frame("x"u8.ToArray(), flag: 7));

        Assert.Equal("13", response.HeaderOrNull("grpc-status"));
    }

    [Fact]
    public async Task Post_WrongContentTypeToGrpcService_Returns415()
    {
        var response = await _raw.PostAsync("/test.Echo/Say", RawGrpc.Frame("x"u8.ToArray()), "application/json");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Post_GrpcWebContentType_IsNotTreatedAsGrpc()
    {
        var response = await _raw.PostAsync("/test.Echo/Say", RawGrpc.Frame("x"u8.ToArray()), "application/grpc-web");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Post_WrongContentTypeElsewhere_FallsThroughToHost()
    {
        var response = await _raw.PostAsync("/v3/kv/range", "{}"u8.ToArray(), "application/json");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("123456789S")]
    [InlineData("1x")]
    public async Task Post_MalformedGrpcTimeout_ReturnsInternal(string timeout)
    {
        var response = await _raw.PostAsync("/test.Echo/Say", RawGrpc.Frame("x"u8.ToArray()),
            headers: [new("grpc-timeout", timeout)]);

        Assert.Equal("13", response.HeaderOrNull("grpc-status"));
        Assert.Contains("malformed time-out", response.HeaderOrNull("grpc-message"), StringComparison.Ordinal);
    }
}
