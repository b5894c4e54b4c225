using System.Diagnostics;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace EtcdNet.Grpc;

/// <summary>The server's state for one call: deadline, cancellation, framing on the request and response bodies, status.</summary>
internal sealed class ServerCall
{
    // CancellationTokenSource.CancelAfter takes at most uint.MaxValue - 1 ms; longer deadlines are as good as none.
    private static readonly TimeSpan MaxTimer = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly HttpContext _http;
    private readonly GrpcServer _server;
    private readonly long _startTimestamp;
    private CancellationTokenSource? _cts;
    private CancellationTokenRegistration _readCancellation;
    private bool _deadlineSet;

    public ServerCall(HttpContext http, Method method, GrpcServer server)
    {
        _http = http;
        _server = server;
        Method = method;
        _startTimestamp = server.Options.Observer is null ? 0 : Stopwatch.GetTimestamp();
        Context = null!;
    }

    public Method Method { get; }

    public CallContext Context { get; private set; }

    public GrpcServerOptions Options => _server.Options;

    /// <summary>Whether any response message went into the body (then the status must go in trailers).</summary>
    public bool ResponseStarted { get; set; }

    public PipeWriter BodyWriter => _http.Response.BodyWriter;

    /// <summary>Checks the call's headers and sets up its token; throws <see cref="RpcException"/> for bad ones.</summary>
    public void Begin(bool streaming)
    {
        _server.Options.Observer?.OnStarted(Method);
        _cts = CancellationTokenSource.CreateLinkedTokenSource(_http.RequestAborted, _server.Stopping);
        _http.Response.ContentType = GrpcProtocol.ContentType;

        DateTime? deadline = null;
        var timeoutHeader = _http.Request.Headers[GrpcProtocol.TimeoutHeader];
        var timeoutText = timeoutHeader.Count > 0 ? timeoutHeader[0] ?? string.Empty : null;
        var timeout = TimeSpan.Zero;
        var timeoutValid = timeoutText is null || GrpcTimeout.TryParse(timeoutText, out timeout);
        if (timeoutText is not null && timeoutValid && timeout < MaxTimer)
        {
            deadline = DateTime.UtcNow + timeout;
            _deadlineSet = true;
            _cts.CancelAfter(timeout);
        }

        Context = new CallContext(Method, _http, _cts.Token, deadline);
        if (!timeoutValid)
        {
            throw new RpcException(StatusCode.Internal, $"transport: malformed time-out: \"{timeoutText}\"");
        }

        // Our own per-message limit replaces Kestrel's whole-body cap (30 MB by default), which would otherwise
        // end a long Watch or LeaseKeepAlive stream after 30 MB in total.
        var sizeFeature = _http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = null;
        }

        if (streaming)
        {
            // Kestrel's 240 B/s minimum would abort idle streams (a quiet watch) every few seconds.
            var rateFeature = _http.Features.Get<IHttpMinRequestBodyDataRateFeature>();
            if (rateFeature is not null)
            {
                rateFeature.MinDataRate = null;
            }

            _readCancellation = _cts.Token.UnsafeRegister(
                static state => ((PipeReader)state!).CancelPendingRead(), _http.Request.BodyReader);
        }

        var encoding = _http.Request.Headers[GrpcProtocol.EncodingHeader];
        if (encoding.Count > 0 && !string.Equals(encoding[0], GrpcProtocol.IdentityEncoding, StringComparison.Ordinal))
        {
            throw UnsupportedEncoding(encoding[0]);
        }
    }

    /// <summary>
    /// Reads the next length-prefixed message from the request body. Returns false at a clean end of stream.
    /// The message is parsed straight out of Kestrel's buffers, so nothing is copied twice.
    /// </summary>
    public async ValueTask<(bool Ok, T Message)> ReadMessageAsync<T>(Marshaller<T> marshaller, CancellationToken ct)
    {
        var reader = _http.Request.BodyReader;
        var max = _server.Options.MaxReceiveMessageSize;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(ct).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                // Kestrel reports RST_STREAM and aborts as IOException: the client has gone.
                throw new OperationCanceledException("the client reset the stream", e, _http.RequestAborted);
            }

            if (result.IsCanceled)
            {
                throw new OperationCanceledException(Context.CancellationToken);
            }

            var buffer = result.Buffer;
            if (GrpcProtocol.TryReadHeader(buffer, out var flag, out var length))
            {
                if (flag != 0)
                {
                    reader.AdvanceTo(buffer.Start);
                    throw flag == 1
                        ? UnsupportedEncoding(_http.Request.Headers[GrpcProtocol.EncodingHeader].ToString())
                        : new RpcException(StatusCode.Internal, $"grpc: received unexpected payload format {flag}");
                }

                if (length > (uint)max)
                {
                    // Checked before buffering: a hostile length never makes us hold the bytes.
                    reader.AdvanceTo(buffer.Start);
                    throw new RpcException(StatusCode.ResourceExhausted,
                        $"grpc: received message larger than max ({length} vs. {max})");
                }

                if (buffer.Length >= GrpcProtocol.HeaderSize + length)
                {
                    var payload = buffer.Slice(GrpcProtocol.HeaderSize, length);
                    T message;
                    try
                    {
                        message = marshaller.Parse(payload);
                    }
                    catch (Exception e) when (e is not RpcException)
                    {
                        throw new RpcException(StatusCode.Internal, "grpc: error unmarshalling request: " + e.Message);
                    }
                    finally
                    {
                        reader.AdvanceTo(payload.End);
                    }

                    _server.Options.Observer?.OnMessageReceived(Method, (int)length);
                    return (true, message);
                }
            }

            if (result.IsCompleted)
            {
                reader.AdvanceTo(buffer.End);
                if (buffer.Length == 0)
                {
                    return (false, default!);
                }

                throw new RpcException(StatusCode.Internal, "unexpected EOF");
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Frames one message into the response body (not flushed).</summary>
    public void WriteMessage<T>(PipeWriter writer, T message, Marshaller<T> marshaller, int size)
    {
        var span = writer.GetSpan(GrpcProtocol.HeaderSize + size);
        GrpcProtocol.WriteHeader(span, size);
        marshaller.Write(message, span.Slice(GrpcProtocol.HeaderSize, size));
        writer.Advance(GrpcProtocol.HeaderSize + size);
        ResponseStarted = true;
    }

    /// <summary>Computes a response's size and enforces MaxSendMessageSize.</summary>
    public int MeasureResponse<T>(T message, Marshaller<T> marshaller)
    {
        var size = marshaller.Size(message);
        var max = _server.Options.MaxSendMessageSize;
        if (size > max)
        {
            throw new RpcException(StatusCode.ResourceExhausted,
                $"grpc: trying to send message larger than max ({size} vs. {max})");
        }

        _server.Options.Observer?.OnMessageSent(Method, size);
        return size;
    }

    /// <summary>True once the grpc-timeout deadline has passed (and nothing else cancelled the call first).</summary>
    public bool DeadlineExceeded =>
        _deadlineSet && _cts!.IsCancellationRequested && !_http.RequestAborted.IsCancellationRequested
        && !_server.Stopping.IsCancellationRequested;

    /// <summary>A handler that ignored its token and answered late still fails: the client has given up by now.</summary>
    public void ThrowIfDeadlineExceeded()
    {
        if (DeadlineExceeded)
        {
            throw new RpcException(StatusCode.DeadlineExceeded, "context deadline exceeded");
        }
    }

    /// <summary>Maps whatever ended the handler to the status the client gets.</summary>
    public (StatusCode Code, string Detail) MapException(Exception e)
    {
        if (e is RpcException rpc)
        {
            return (rpc.StatusCode, rpc.Detail);
        }

        if (_http.RequestAborted.IsCancellationRequested)
        {
            return (StatusCode.Cancelled, "context canceled");
        }

        if (e is OperationCanceledException && _cts is not null && _cts.IsCancellationRequested)
        {
            return _server.Stopping.IsCancellationRequested
                ? (StatusCode.Unavailable, "grpc: the server has been stopped")
                : (StatusCode.DeadlineExceeded, "context deadline exceeded");
        }

        return (StatusCode.Unknown, e.Message);
    }

    /// <summary>
    /// Sends the status: in the response headers when no message went out (a trailers-only response), in the
    /// trailers otherwise. Then cancels the call's token so producers that outlive the handler stop.
    /// </summary>
    public void End(StatusCode code, string? detail)
    {
        if (code == StatusCode.OK && DeadlineExceeded)
        {
            (code, detail) = (StatusCode.DeadlineExceeded, "context deadline exceeded");
        }

        try
        {
            if (!_http.RequestAborted.IsCancellationRequested)
            {
                WriteStatus(code, detail);
            }
        }
        catch (InvalidOperationException)
        {
            // The response was completed or aborted under us (client gone); nobody is left to tell.
        }
        finally
        {
            _readCancellation.Dispose();
            if (_cts is not null)
            {
                _cts.Cancel();
                _cts.Dispose();
            }

            var observer = _server.Options.Observer;
            observer?.OnHandled(Method, code, Stopwatch.GetElapsedTime(_startTimestamp));
        }
    }

    private void WriteStatus(StatusCode code, string? detail)
    {
        var response = _http.Response;
        if (!ResponseStarted && !response.HasStarted)
        {
            GrpcServer.SetTrailersOnlyStatus(response, code, detail);
            return;
        }

        response.AppendTrailer(GrpcProtocol.StatusHeader, GrpcProtocol.StatusString(code));
        if (!string.IsNullOrEmpty(detail))
        {
            response.AppendTrailer(GrpcProtocol.MessageHeader, GrpcMessageEncoding.Encode(detail));
        }
    }

    private RpcException UnsupportedEncoding(string? encoding)
    {
        if (!_http.Response.HasStarted)
        {
            _http.Response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.IdentityEncoding;
        }

        return new RpcException(StatusCode.Unimplemented,
            $"grpc: Decompressor is not installed for grpc-encoding \"{(string.IsNullOrEmpty(encoding) ? GrpcProtocol.IdentityEncoding : encoding)}\"");
    }
}
