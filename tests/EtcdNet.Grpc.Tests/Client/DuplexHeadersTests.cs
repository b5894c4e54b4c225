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
        await using var call = channel.Duplex("/test.Refuse/Now", Marshallers.String, Marshallers.String);
        // Without the flush the request waited for the client's first write or a keepalive ping (about 30 s here);
        // the bound is loose so a loaded machine does not fail it, and tight enough to catch that stall.
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await call.Responses.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal((StatusCode.FailedPrecondition, "refused"), (error.StatusCode, error.Detail));
    }
}
