namespace EtcdNet.Grpc;

/// <summary>A gRPC client over h2c (HTTP/2 with prior knowledge) on SocketsHttpHandler.</summary>
public sealed class GrpcChannel : IDisposable
{
    /// <summary>Creates a channel to <paramref name="address"/> (e.g. http://127.0.0.1:2379).</summary>
    public GrpcChannel(Uri address, GrpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        Address = address;
        _ = options;
    }

    /// <summary>The server address.</summary>
    public Uri Address { get; }

    /// <summary>Makes a unary call; throws <see cref="RpcException"/> for a non-OK status.</summary>
    public Task<TResp> UnaryAsync<TReq, TResp>(string fullMethod, TReq request, Marshaller<TReq> req, Marshaller<TResp> resp,
        IReadOnlyDictionary<string, string>? metadata = null, TimeSpan? timeout = null, CancellationToken ct = default) =>
        throw new NotImplementedException();

    /// <summary>Starts a call where both sides stream.</summary>
    public DuplexCall<TReq, TResp> Duplex<TReq, TResp>(string fullMethod, Marshaller<TReq> req, Marshaller<TResp> resp,
        IReadOnlyDictionary<string, string>? metadata = null, CancellationToken ct = default) =>
        throw new NotImplementedException();

    /// <summary>Makes a call with one request and a stream of responses.</summary>
    public IAsyncEnumerable<TResp> ServerStreaming<TReq, TResp>(string fullMethod, TReq request, Marshaller<TReq> req,
        Marshaller<TResp> resp, IReadOnlyDictionary<string, string>? metadata = null, TimeSpan? timeout = null,
        CancellationToken ct = default) =>
        throw new NotImplementedException();

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
