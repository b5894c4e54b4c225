using Microsoft.AspNetCore.Http;

namespace EtcdNet.Grpc;

/// <summary>One registered method: it owns the typed marshallers and runs a call from request to status.</summary>
internal abstract class ServerMethod
{
    protected ServerMethod(Method method) => Method = method;

    public Method Method { get; }

    public abstract Task HandleAsync(HttpContext http, GrpcServer server);

    /// <summary>Reads the single request message of a unary or server-streaming call.</summary>
    protected static async ValueTask<TReq> ReadSingleAsync<TReq>(ServerCall call, Marshaller<TReq> marshaller)
    {
        var (ok, request) = await call.ReadMessageAsync(marshaller, call.Context.CancellationToken).ConfigureAwait(false);
        if (!ok)
        {
            throw new RpcException(StatusCode.Internal, "grpc: the request stream ended without a message");
        }

        return request;
    }
}
