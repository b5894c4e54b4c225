namespace EtcdNet.Grpc.Tests;

public sealed class DeadlineAndCancellationTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly EchoService.Probe _probe = new();
    private readonly RecordingObserver _observer = new();
    private TestServer _server = null!;
    private GrpcChannel _channel = null!;
    private RawGrpc _raw = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(r => EchoService.Register(r, _probe), new GrpcServerOptions { Observer = _observer });
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
    public async Task GrpcTimeout_HandlerWaitsOnToken_ServerEndsCallWithDeadlineExceeded()
    {
        // The raw client has no timer of its own, so the status can only come from the server.
        var response = await _raw.PostAsync("/test.Echo/Wait", RawGrpc.Frame([]), headers: [new("grpc-timeout", "200m")])
            .WaitAsync(Patience);

        Assert.Equal("4", response.HeaderOrNull("grpc-status"));
        Assert.Equal("context deadline exceeded", response.HeaderOrNull("grpc-message"));
        Assert.True(await _probe.Cancelled.Task.WaitAsync(Patience));
    }

    [Fact]
    public async Task GrpcTimeout_SetsCallContextDeadline()
    {
        var before = DateTime.UtcNow;
        var call = _channel.UnaryAsync("/test.Echo/Wait", "", Marshallers.String, Marshallers.String, timeout: TimeSpan.FromSeconds(30));
        var context = await _probe.Started.Task.WaitAsync(Patience);

        Assert.NotNull(context.Deadline);
        Assert.InRange(context.Deadline.Value, before.AddSeconds(25), before.AddSeconds(35));
        Assert.Equal(DateTimeKind.Utc, context.Deadline.Value.Kind);
        await _server.StopAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => call.WaitAsync(Patience));
    }

    [Fact]
    public async Task GrpcTimeout_HandlerIgnoresTokenAndAnswersLate_StillDeadlineExceeded()
    {
        var response = await _raw.PostAsync("/test.Echo/IgnoreDeadline", RawGrpc.Frame([]), headers: [new("grpc-timeout", "100m")])
            .WaitAsync(Patience);

        Assert.Equal("4", response.HeaderOrNull("grpc-status"));
        Assert.Empty(response.Body);
    }

    [Fact]
    public async Task UnaryAsync_ClientTimeout_ThrowsDeadlineExceeded()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync("/test.Echo/Wait", "", Marshallers.String,
            Marshallers.String, timeout: TimeSpan.FromSeconds(2)).WaitAsync(Patience));

        // Generous timeout: on a cold, busy machine the call must reach the handler before the client gives up.
        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
        await _probe.Started.Task.WaitAsync(Patience);
        Assert.True(await _probe.Cancelled.Task.WaitAsync(Patience));
    }

    [Fact]
    public async Task UnaryAsync_CallerCancels_ServerTokenFiresAndCallIsCancelled()
    {
        using var cts = new CancellationTokenSource();
        var call = _channel.UnaryAsync("/test.Echo/Wait", "", Marshallers.String, Marshallers.String, ct: cts.Token);
        await _probe.Started.Task.WaitAsync(Patience);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Patience));
        Assert.True(await _probe.Cancelled.Task.WaitAsync(Patience));
        var handled = await _observer.WaitForHandledAsync("Wait", Patience);
        Assert.Equal(StatusCode.Cancelled, handled);
    }

    [Fact]
    public async Task DuplexCall_Disposed_ServerTokenFires()
    {
        var call = _channel.Duplex("/test.Echo/Hold", Marshallers.String, Marshallers.String);
        Assert.True(await call.Responses.MoveNextAsync().AsTask().WaitAsync(Patience));
        Assert.Equal("holding", call.Responses.Current);
        await _probe.Started.Task.WaitAsync(Patience);

        await call.DisposeAsync();

        Assert.True(await _probe.Cancelled.Task.WaitAsync(Patience));
        Assert.Equal(StatusCode.Cancelled, await _observer.WaitForHandledAsync("Hold", Patience));
        Assert.Equal(StatusCode.Cancelled, await call.Status.WaitAsync(Patience));
    }

    [Fact]
    public async Task ServerStop_CancelsOpenStreams()
    {
        await using var call = _channel.Duplex("/test.Echo/Hold", Marshallers.String, Marshallers.String);
        Assert.True(await call.Responses.MoveNextAsync().AsTask().WaitAsync(Patience));
        await _probe.Started.Task.WaitAsync(Patience);

        var stop = _server.StopAsync();

        Assert.True(await _probe.Cancelled.Task.WaitAsync(Patience));
        await stop.WaitAsync(Patience);
        var e = await Assert.ThrowsAsync<RpcException>(() => call.Responses.MoveNextAsync().AsTask().WaitAsync(Patience));
        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
    }
}
