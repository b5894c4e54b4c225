namespace EtcdNet.Grpc.Tests;

/// <summary>
/// Requests with <c>:authority: http://host:port</c>, as etcdctl 3.4's passthrough dialer sends them, through the real
/// Kestrel host.
/// </summary>
public sealed class AuthorityTranscodingTests
{
    private const int CompressionError = 0x9;

    [Fact]
    public async Task UrlAuthority_OverH2c_IsServedWithBareHost()
    {
        await using var server = await TestServer.StartAsync(r => EchoService.Register(r, new EchoService.Probe()));
        using var client = await RawHttp2Client.ConnectAsync(server.Address);
        var authority = server.Address.Authority;

        await client.SendRequestAsync(1, RequestBlock("/test.Echo/Header", "http://" + authority), "host"u8.ToArray());
        var response = await client.ReadResponseAsync(1);

        Assert.Null(response.ResetError);
        Assert.Equal("200", response.Header(":status"));
        Assert.Equal("0", response.Header("grpc-status"));
        Assert.Equal(authority, response.Message);
    }

    [Fact]
    public async Task UrlAuthority_IndexedAndReusedOnOneConnection_EveryCallIsServed()
    {
        await using var server = await TestServer.StartAsync(r => EchoService.Register(r, new EchoService.Probe()));
        using var client = await RawHttp2Client.ConnectAsync(server.Address);
        var authority = server.Address.Authority;
        await client.SendRequestAsync(1, RequestBlock("/test.Echo/Say", "http://" + authority), "one"u8.ToArray());
        var first = await client.ReadResponseAsync(1);

        // The first block indexed :path, :authority, content-type and te (newest first: 65..62); reuse them all.
        var second = new HpackBlockBuilder().Indexed(3).Indexed(6).Indexed(65).Indexed(64).Indexed(63).Indexed(62).ToArray();
        await client.SendRequestAsync(3, second, "two"u8.ToArray());
        var again = await client.ReadResponseAsync(3);

        Assert.Equal("echo:one", first.Message);
        Assert.Equal("0", again.Header("grpc-status"));
        Assert.Equal("echo:two", again.Message);
    }

    [Fact]
    public async Task BareAuthority_OverH2c_IsServedUnchanged()
    {
        await using var server = await TestServer.StartAsync(r => EchoService.Register(r, new EchoService.Probe()));
        using var client = await RawHttp2Client.ConnectAsync(server.Address);

        await client.SendRequestAsync(1, RequestBlock("/test.Echo/Header", "example.test:2379"), "host"u8.ToArray());
        var response = await client.ReadResponseAsync(1);

        Assert.Equal("0", response.Header("grpc-status"));
        Assert.Equal("example.test:2379", response.Message);
    }

    [Fact]
    public async Task InvalidHpack_ServerAnswersGoAwayCompressionError()
    {
        await using var server = await TestServer.StartAsync(r => EchoService.Register(r, new EchoService.Probe()));
        using var client = await RawHttp2Client.ConnectAsync(server.Address);

        // Index 62 while the client's dynamic table is empty.
        await client.SendRequestAsync(1, [0x83, 0x86, 0xbe], "x"u8.ToArray());
        var response = await client.ReadResponseAsync(1);

        Assert.Equal(CompressionError, response.GoAwayError);
    }

    [Fact]
    public async Task UrlAuthority_BlockReencodedPastMaxFrameSize_IsSplitAndServed()
    {
        // Huffman keeps the client's block in one 16 KiB frame; the plain re-encoding needs a CONTINUATION.
        await using var server = await TestServer.StartAsync(r => EchoService.Register(r, new EchoService.Probe()),
            kestrelOptions: k =>
            {
                k.Limits.MaxRequestHeadersTotalSize = 64 * 1024;
                k.Limits.Http2.MaxRequestHeaderFieldSize = 64 * 1024;
            });
        using var client = await RawHttp2Client.ConnectAsync(server.Address);
        var value = new string('x', 18000);
        var block = new HpackBlockBuilder().Indexed(3).Indexed(6).Indexing(4, "/test.Echo/Header")
            .Indexing(1, "http://" + server.Address.Authority).Indexing(31, "application/grpc").Indexing("te", "trailers")
            .Indexing("x-big", value).ToArray();
        Assert.True(block.Length < 16384);

        await client.SendRequestAsync(1, block, "x-big"u8.ToArray());
        var response = await client.ReadResponseAsync(1);

        Assert.Equal("0", response.Header("grpc-status"));
        Assert.Equal(value, response.Message);
    }

    [Fact]
    public async Task UnfinishedHeaderBlock_ServerStillAppliesItsHeadersTimeout()
    {
        // The transcoder holds the block until END_HEADERS, but opens the stream at once so Kestrel's timer runs.
        await using var server = await TestServer.StartAsync(r => EchoService.Register(r, new EchoService.Probe()),
            kestrelOptions: k => k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(1));
        using var client = await RawHttp2Client.ConnectAsync(server.Address);
        var block = RequestBlock("/test.Echo/Say", "http://" + server.Address.Authority);

        await client.SendAsync(Http2Frames.Frame(Http2FrameType.Headers, 0, 1, block.AsSpan(0, 10)));
        var response = await client.ReadResponseAsync(1);

        Assert.True(response.Closed || response.GoAwayError is not null, "connection still open");
    }

    [Fact]
    public async Task GrpcChannel_AfterRawUrlAuthorityClient_StillWorks()
    {
        await using var server = await TestServer.StartAsync(r => EchoService.Register(r, new EchoService.Probe()));
        using var channel = server.CreateChannel();
        using var client = await RawHttp2Client.ConnectAsync(server.Address);
        await client.SendRequestAsync(1, RequestBlock("/test.Echo/Say", "http://" + server.Address.Authority), "raw"u8.ToArray());

        var raw = await client.ReadResponseAsync(1);
        var header = await channel.UnaryAsync("/test.Echo/Header", ":authority", Marshallers.String, Marshallers.String);
        var host = await channel.UnaryAsync("/test.Echo/Header", "host", Marshallers.String, Marshallers.String);

        Assert.Equal("echo:raw", raw.Message);
        Assert.Equal("<null>", header);
        Assert.Equal(server.Address.Authority, host);
    }

    /// <summary>A gRPC request block encoded the way grpc-go encodes one: Huffman strings, new fields indexed.</summary>
    private static byte[] RequestBlock(string path, string authority) => new HpackBlockBuilder()
        .Indexed(3) // :method POST
        .Indexed(6) // :scheme http
        .Indexing(4, path)
        .Indexing(1, authority)
        .Indexing(31, "application/grpc")
        .Indexing("te", "trailers")
        .ToArray();
}
