namespace EtcdNet.Grpc.Tests.Client;

/// <summary>A duplex call reaches the server before its client writes anything (HTTP/2 headers are flushed at once).</summary>
public sealed class DuplexHeadersTests
{
    [Fact]
    public async Task Duplex_ServerRefusesBeforeAnyClientMessage_ClientSeesTheStatusPromptly()
    {
        await using var server = await TestServer.StartAsync(r =>
            r.AddDuplexStreaming<string, string>("test.Refuse", "Now", Marshallers.String, Marshallers.String,
                static (_, _, _) => throw new RpcException(StatusCode.FailedPrecondition, "refused")));
        using var channel = server.CreateChannel();
        // Warm the connection (and the JIT) first, so the timing below is about the call alone.
        await using (var warm = channel.Duplex("/test.Refuse/Now", Marshallers.String, Marshallers.String))
        {
            await Assert.ThrowsAsync<RpcException>(async () => await warm.Responses.MoveNextAsync());
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        await using var call = channel.Duplex("/test.Refuse/Now", Marshallers.String, Marshallers.String);
        var error = await Assert.ThrowsAsync<RpcException>(async () => await call.Responses.MoveNextAsync());
        Assert.Equal((StatusCode.FailedPrecondition, "refused"), (error.StatusCode, error.Detail));
        // Without the flush the refusal waited for the client's first write, or for a ping: seconds, not this.
        Assert.True(started.Elapsed < TimeSpan.FromMilliseconds(900), $"took {started.Elapsed.TotalMilliseconds:0} ms");
    }
}
