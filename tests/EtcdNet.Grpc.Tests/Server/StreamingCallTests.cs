using System.Net;

namespace EtcdNet.Grpc.Tests;

public sealed class StreamingCallTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private TestServer _server = null!;
    private GrpcChannel _channel = null!;
    private RawGrpc _raw = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(r => EchoService.Register(r, new EchoService.Probe()));
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
    public async Task ServerStreaming_Count_ReturnsAllMessagesInOrder()
    {
        var received = new List<string>();
        await foreach (var m in _channel.ServerStreaming("/test.Echo/Count", "500", Marshallers.String, Marshallers.String))
        {
            received.Add(m);
        }

        Assert.Equal(Enumerable.Range(0, 500).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), received);
    }

    [Fact]
    public async Task ServerStreaming_NoMessages_EndsOk()
    {
        var received = new List<string>();
        await foreach (var m in _channel.ServerStreaming("/test.Echo/Count", "0", Marshallers.String, Marshallers.String))
        {
            received.Add(m);
        }

        Assert.Empty(received);
    }

    [Fact]
    public async Task ServerStreaming_Raw_SendsFramesThenOkTrailers()
    {
        var response = await _raw.PostAsync("/test.Echo/Count", RawGrpc.Frame("3"u8.ToArray()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([.. RawGrpc.Frame("0"u8.ToArray()), .. RawGrpc.Frame("1"u8.ToArray()), .. RawGrpc.Frame("2"u8.ToArray())],
            response.Body);
        Assert.Equal("0", response.TrailerOrNull("grpc-status"));
    }

    [Fact]
    public async Task ServerStreaming_ErrorBeforeAnyMessage_IsTrailersOnly()
    {
        var response = await _raw.PostAsync("/test.Echo/FailFirst", RawGrpc.Frame("etcdserver: no leader"u8.ToArray()));

        Assert.Equal("5", response.HeaderOrNull("grpc-status"));
        Assert.Equal("etcdserver: no leader", response.HeaderOrNull("grpc-message"));
        Assert.Empty(response.Body);
        Assert.Empty(response.Trailers);
    }

    [Fact]
    public async Task ServerStreaming_ErrorBeforeAnyMessage_ClientThrowsStatus()
    {
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in _channel.ServerStreaming("/test.Echo/FailFirst", "gone", Marshallers.String, Marshallers.String))
            {
            }
        });
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Equal("gone", e.Detail);
    }

    [Fact]
    public async Task StreamingCall_LiftsKestrelRequestBodySizeCap()
    {
        var replies = new List<string>();
        await foreach (var m in _channel.ServerStreaming("/test.Echo/BodyLimits", "", Marshallers.String, Marshallers.String))
        {
            replies.Add(m);
        }

        Assert.Equal(["size=null"], replies);
    }

    [Fact]
    public async Task Duplex_IdleLongerThanMinDataRateGrace_StaysOpen()
    {
        // Kestrel's request-body rate check aborts an idle stream once its grace period is over (5 s by default;
        // 1.1 s here). An idle watch must survive it, so this waits out the grace period on purpose.
        await using var server = await TestServer.StartAsync(r => EchoService.Register(r, new EchoService.Probe()),
            kestrelOptions: k => k.Limits.MinRequestBodyDataRate = new(bytesPerSecond: 1_000_000, gracePeriod: TimeSpan.FromSeconds(1.1)));
        using var channel = server.CreateChannel();
        await using var call = channel.Duplex("/test.Echo/Chat", Marshallers.String, Marshallers.String);
        await call.WriteAsync("before");
        Assert.True(await call.Responses.MoveNextAsync().AsTask().WaitAsync(Patience));

        await Task.Delay(TimeSpan.FromSeconds(3.5));

        await call.WriteAsync("after");
        Assert.True(await call.Responses.MoveNextAsync().AsTask().WaitAsync(Patience));
        Assert.Equal("echo:after", call.Responses.Current);
    }

    [Fact]
    public async Task Duplex_Chat_EchoesEachMessageThenEndsOk()
    {
        await using var call = _channel.Duplex("/test.Echo/Chat", Marshallers.String, Marshallers.String);
        for (var i = 0; i < 20; i++)
        {
            await call.WriteAsync("m" + i);
            Assert.True(await call.Responses.MoveNextAsync().AsTask().WaitAsync(Patience));
            Assert.Equal("echo:m" + i, call.Responses.Current);
        }

        await call.CompleteAsync();

        Assert.False(await call.Responses.MoveNextAsync().AsTask().WaitAsync(Patience));
        Assert.Equal(StatusCode.OK, await call.Status.WaitAsync(Patience));
    }

    [Fact]
    public async Task Duplex_ConcurrentProducers_AllMessagesArriveIntact()
    {
        const int perProducer = 500;
        await using var call = _channel.Duplex("/test.Echo/Fanout", Marshallers.String, Marshallers.String);
        await call.WriteAsync(perProducer.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await call.CompleteAsync();

        var next = new int[4];
        var count = 0;
        while (await call.Responses.MoveNextAsync().AsTask().WaitAsync(Patience))
        {
            var parts = call.Responses.Current.Split(':');
            var producer = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
            var index = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);

            // Each producer's messages stay in its own order even though producers interleave.
            Assert.Equal(next[producer], index);
            Assert.Equal(new string('x', index % 50), parts[2]);
            next[producer]++;
            count++;
        }

        Assert.Equal(4 * perProducer, count);
        Assert.Equal(StatusCode.OK, await call.Status);
    }

    [Fact]
    public async Task Duplex_ErrorAfterAMessage_StatusInTrailersAndClientThrows()
    {
        await using var call = _channel.Duplex("/test.Echo/FailAfterOne", Marshallers.String, Marshallers.String);
        await call.WriteAsync("compacted");

        Assert.True(await call.Responses.MoveNextAsync().AsTask().WaitAsync(Patience));
        Assert.Equal("first", call.Responses.Current);
        var e = await Assert.ThrowsAsync<RpcException>(() => call.Responses.MoveNextAsync().AsTask().WaitAsync(Patience));

        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Equal("etcdserver: compacted", e.Detail);
        Assert.Equal(StatusCode.FailedPrecondition, await call.Status);
    }

    [Fact]
    public async Task Duplex_OversizedRequestMidStream_EndsWithResourceExhausted()
    {
        await using var server = await TestServer.StartAsync(r => EchoService.Register(r, new EchoService.Probe()),
            new GrpcServerOptions { MaxReceiveMessageSize = 100 });
        using var channel = server.CreateChannel();
        await using var call = channel.Duplex("/test.Echo/Chat", Marshallers.String, Marshallers.String);

        await call.WriteAsync("small");
        Assert.True(await call.Responses.MoveNextAsync().AsTask().WaitAsync(Patience));
        await call.WriteAsync(new string('x', 101));
        var e = await Assert.ThrowsAsync<RpcException>(() => call.Responses.MoveNextAsync().AsTask().WaitAsync(Patience));

        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Equal("grpc: received message larger than max (101 vs. 100)", e.Detail);
    }
}
