namespace EtcdNet.Grpc;

/// <summary>How a <see cref="GrpcChannel"/> connects.</summary>
public sealed class GrpcChannelOptions
{
    /// <summary>Number of independent HTTP/2 connections; calls are spread round-robin (the benchmark's --conns).</summary>
    public int Connections { get; set; } = 1;

    /// <summary>Open another connection when one reaches the server's MAX_CONCURRENT_STREAMS instead of queueing.</summary>
    public bool EnableMultipleHttp2Connections { get; set; } = true;

    /// <summary>Largest response message accepted.</summary>
    public int MaxReceiveMessageSize { get; set; } = int.MaxValue;

    /// <summary>Client keepalive ping interval; null leaves pings off.</summary>
    public TimeSpan? KeepAlivePingDelay { get; set; }

    /// <summary>Time to establish a connection.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
