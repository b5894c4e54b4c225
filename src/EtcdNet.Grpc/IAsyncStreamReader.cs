namespace EtcdNet.Grpc;

/// <summary>A stream of incoming messages, read one at a time.</summary>
public interface IAsyncStreamReader<T>
{
    /// <summary>Advances to the next message; false at the end of the stream. Throws <see cref="RpcException"/> on bad input.</summary>
    ValueTask<bool> MoveNextAsync(CancellationToken ct = default);

    /// <summary>The message the last successful <see cref="MoveNextAsync"/> produced.</summary>
    T Current { get; }
}
