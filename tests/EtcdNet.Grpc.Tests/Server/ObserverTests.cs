namespace EtcdNet.Grpc.Tests;

public sealed class ObserverTests
{
    [Fact]
    public async Task Observer_UnaryCall_SeesStartReceiveSendAndHandled()
    {
        var observer = new RecordingObserver();
        await using var server = await TestServer.StartAsync(r => EchoService.Register(r, new EchoService.Probe()),
            new GrpcServerOptions { Observer = observer });
        using var channel = server.CreateChannel();

        await channel.UnaryAsync("/test.Echo/Say", "abc", Marshallers.String, Marshallers.String);
        await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync("/test.Echo/Fail", "no", Marshallers.String, Marshallers.String));

        Assert.Equal(StatusCode.OK, await observer.WaitForHandledAsync("Say", TimeSpan.FromSeconds(10)));
        Assert.Equal(StatusCode.InvalidArgument, await observer.WaitForHandledAsync("Fail", TimeSpan.FromSeconds(10)));
        var say = observer.Events.Where(e => e.Contains("/test.Echo/Say", StringComparison.Ordinal)).ToList();
        Assert.Equal(["started /test.Echo/Say", "received /test.Echo/Say 3", "sent /test.Echo/Say 8", "handled /test.Echo/Say OK"], say);
    }

    [Fact]
    public void Registry_DuplicateMethod_Throws()
    {
        var registry = new GrpcServiceRegistry();
        registry.AddUnary("a.B", "C", Marshallers.String, Marshallers.String, static (r, _) => ValueTask.FromResult(r));

        Assert.Throws<InvalidOperationException>(() =>
            registry.AddUnary("a.B", "C", Marshallers.String, Marshallers.String, static (r, _) => ValueTask.FromResult(r)));
        Assert.Equal("/a.B/C", Assert.Single(registry.Methods).FullName);
    }
}
