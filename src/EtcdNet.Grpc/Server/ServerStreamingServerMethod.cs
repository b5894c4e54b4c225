using Microsoft.AspNetCore.Http;

namespace EtcdNet.Grpc;

/// <summary>A call with one request and a stream of responses.</summary>
internal sealed class ServerStreamingServerMethod<TReq, TResp> : ServerMethod
{
    private readonly Marshaller<TReq> _request;
    private readonly Marshaller<TResp> _response;
    private readonly Func<TReq, IServerStreamWriter<TResp>, CallContext, Task> _handler;

    public ServerStreamingServerMethod(Method method, Marshaller<TReq> request, Marshaller<TResp> response,
        Func<TReq, IServerStreamWriter<TResp>, CallContext, Task> handler)
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
            var request = await ReadSingleAsync(call, _request).ConfigureAwait(false);
            writer = new ServerStreamWriter<TResp>(call, _response);
            await _handler(request, writer, call.Context).ConfigureAwait(false);
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
