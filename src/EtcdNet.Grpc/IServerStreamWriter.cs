namespace EtcdNet.Grpc;

/// <summary>The response side of a streaming call.</summary>
/// <remarks>
/// Safe to call from several tasks at once: writes are queued and sent in order by one writer, because watch and
/// lease streams have more than one producer. A completed write is queued, not yet necessarily on the wire.
/// </remarks>
public interface IServerStreamWriter<in T>
{
    /// <summary>Queues <paramref name="message"/> to be sent; waits while the queue is full.</summary>
    ValueTask WriteAsync(T message, CancellationToken ct = default);
}
