namespace EtcdNet.Grpc;

/// <summary>Server-wide limits and hooks of the gRPC layer.</summary>
public sealed class GrpcServerOptions
{
    /// <summary>Largest request message accepted, checked from the length prefix before buffering (grpc default 4 MiB).</summary>
    public int MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest response message sent; larger ones end the call with ResourceExhausted.</summary>
    public int MaxSendMessageSize { get; set; } = int.MaxValue;

    /// <summary>Optional metrics hook.</summary>
    public IGrpcCallObserver? Observer { get; set; }
}
