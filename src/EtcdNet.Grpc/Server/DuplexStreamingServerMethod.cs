using Microsoft.AspNetCore.Http;

namespace EtcdNet.Grpc;

/// <summary>A call where both sides stream (Watch, LeaseKeepAlive).</summary>
internal sealed class DuplexStreamingServerMethod<TReq, TResp> : ServerMethod
{
    private readonly Marshaller<TReq> _request;
    private readonly Marshaller<TResp> _response;
    private readonly Func<IAsyncStreamReader<TReq>, IServerStreamWriter<TResp>, CallContext, Task> _handler;

    public DuplexStreamingServerMethod(Method method, Marshaller<TReq> request, Marshaller<TResp> response,
        Func<IAsyncStreamReader<TReq>, IServerStreamWriter<TResp>, CallContext, Task> handler)
        : base(method)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        _request = request;
        _response = response;
        _handler = handler;
    }

    public override async Task HandleAsync(HttpContext http, GrpcServer server)
    {
        var call = new ServerCall(http, Method, server);
        var code = StatusCode.OK;
        string? detail = null;
        ServerStreamWriter<TResp>? writer = null;
        try
        {
            call.Begin(streaming: true);
            writer = new ServerStreamWriter<TResp>(call, _response);
            await _handler(new ServerStreamReader<TReq>(call, _request), writer, call.Context).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            (code, detail) = call.MapException(e);
        }

        if (writer is not null)
        {
            (code, detail) = await writer.CompleteAsync(code, detail).ConfigureAwait(false);
        }

        call.End(code, detail);
    }
}
