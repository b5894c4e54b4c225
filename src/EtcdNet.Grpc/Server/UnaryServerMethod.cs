using Microsoft.AspNetCore.Http;

namespace EtcdNet.Grpc;

/// <summary>A call with one request and one response.</summary>
internal sealed class UnaryServerMethod<TReq, TResp> : ServerMethod
{
    private readonly Marshaller<TReq> _request;
    private readonly Marshaller<TResp> _response;
    private readonly Func<TReq, CallContext, ValueTask<TResp>> _handler;

    public UnaryServerMethod(Method method, Marshaller<TReq> request, Marshaller<TResp> response,
        Func<TReq, CallContext, ValueTask<TResp>> handler)
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
        try
        {
            call.Begin(streaming: false);
            var request = await ReadSingleAsync(call, _request).ConfigureAwait(false);
            var response = await _handler(request, call.Context).ConfigureAwait(false);
            call.ThrowIfDeadlineExceeded();
            var size = call.MeasureResponse(response, _response);

            // Not flushed here: Kestrel sends the frame and the trailers together when the request completes.
            call.WriteMessage(call.BodyWriter, response, _response, size);
        }
        catch (Exception e)
        {
            (code, detail) = call.MapException(e);
        }

        call.End(code, detail);
    }
}
