namespace EtcdNet.Grpc;

/// <summary>Hooks for call metrics (grpc_server_started_total, handled_total, handling_seconds, msg/bytes counters).</summary>
/// <remarks>Called on the request path: implementations must be cheap and thread-safe.</remarks>
public interface IGrpcCallObserver
{
    /// <summary>A call to a known method began.</summary>
    void OnStarted(Method m);

    /// <summary>The call ended with <paramref name="code"/> after <paramref name="elapsed"/>.</summary>
    void OnHandled(Method m, StatusCode code, TimeSpan elapsed);

    /// <summary>One request message of <paramref name="bytes"/> (payload, without the 5-byte prefix) arrived.</summary>
    void OnMessageReceived(Method m, int bytes);

    /// <summary>One response message of <paramref name="bytes"/> (payload, without the 5-byte prefix) was queued to send.</summary>
    void OnMessageSent(Method m, int bytes);
}
