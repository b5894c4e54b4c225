namespace EtcdNet.Grpc;

/// <summary>A client call where both sides stream.</summary>
public sealed class DuplexCall<TReq, TResp> : IAsyncDisposable
{
    internal DuplexCall()
    {
        Responses = null!;
        Status = null!;
    }

    /// <summary>The response stream; its MoveNextAsync throws <see cref="RpcException"/> if the call ends non-OK.</summary>
    public IAsyncStreamReader<TResp> Responses { get; }

    /// <summary>Completes with the final status once the server has ended the call.</summary>
    public Task<StatusCode> Status { get; }

    /// <summary>Sends one request message.</summary>
    public ValueTask WriteAsync(TReq message) => throw new NotImplementedException();

    /// <summary>Half-closes: tells the server no more requests follow.</summary>
    public ValueTask CompleteAsync() => throw new NotImplementedException();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => throw new NotImplementedException();
}
