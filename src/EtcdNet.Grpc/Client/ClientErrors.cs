using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace EtcdNet.Grpc;

/// <summary>Turns transport failures seen by the client into the statuses grpc-go's client reports for them.</summary>
internal static class ClientErrors
{
    public static Exception Map(Exception e, CancellationToken userToken, CancellationTokenSource? deadline)
    {
        if (e is RpcException)
        {
            return e;
        }

        if (userToken.IsCancellationRequested)
        {
            // The caller asked for this; report it the .NET way.
            return e as OperationCanceledException ?? new OperationCanceledException(null, e, userToken);
        }

        if (deadline is { IsCancellationRequested: true })
        {
            return new RpcException(StatusCode.DeadlineExceeded, "context deadline exceeded");
        }

        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case HttpProtocolException protocol:
                    return FromStreamReset(protocol.ErrorCode);
                case SocketException socket:
                    return new RpcException(StatusCode.Unavailable, "connection error: " + socket.Message);
            }
        }

        return e switch
        {
            HttpRequestException => new RpcException(StatusCode.Unavailable, "connection error: " + e.Message),
            IOException => new RpcException(StatusCode.Unavailable, e.Message),
            OperationCanceledException => new RpcException(StatusCode.Cancelled, "context canceled"),
            _ => new RpcException(StatusCode.Internal, e.Message),
        };
    }

    /// <summary>The status for a non-200 HTTP answer, following the gRPC spec's HTTP-to-gRPC table.</summary>
    public static RpcException FromHttpStatus(HttpStatusCode status)
    {
        var code = status switch
        {
            HttpStatusCode.BadRequest => StatusCode.Internal,
            HttpStatusCode.Unauthorized => StatusCode.Unauthenticated,
            HttpStatusCode.Forbidden => StatusCode.PermissionDenied,
            HttpStatusCode.NotFound => StatusCode.Unimplemented,
            HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable
                or HttpStatusCode.GatewayTimeout => StatusCode.Unavailable,
            _ => StatusCode.Unknown,
        };
        return new RpcException(code, $"unexpected HTTP status code received from server: {(int)status} ({status})");
    }

    private static RpcException FromStreamReset(long http2ErrorCode) => http2ErrorCode switch
    {
        // SocketsHttpHandler drops a RST_STREAM(NO_ERROR) that follows a complete response (RFC 9113 8.1, what
        // Kestrel and grpc-go servers send when the client has not half-closed), so NO_ERROR only reaches us when
        // the server sent GOAWAY(NO_ERROR) and closed the connection: a graceful shutdown. The handler reports
        // that close even over a response whose trailers already arrived, as long as our request side is still
        // open (a duplex call), so the server's own status is lost. grpc-go's client ends streams on a connection
        // the server closed with Unavailable, and so do we.
        0x0 => new RpcException(StatusCode.Unavailable, "the server closed the connection (GOAWAY with error code NO_ERROR)"),
        0x7 => new RpcException(StatusCode.Unavailable, "stream terminated by RST_STREAM with error code: REFUSED_STREAM"),
        0x8 => new RpcException(StatusCode.Cancelled, "stream terminated by RST_STREAM with error code: CANCEL"),
        0xb => new RpcException(StatusCode.ResourceExhausted, "stream terminated by RST_STREAM with error code: ENHANCE_YOUR_CALM"),
        0xc => new RpcException(StatusCode.PermissionDenied, "stream terminated by RST_STREAM with error code: INADEQUATE_SECURITY"),
        _ => new RpcException(StatusCode.Internal, $"stream terminated by RST_STREAM with error code: {http2ErrorCode}"),
    };
}
