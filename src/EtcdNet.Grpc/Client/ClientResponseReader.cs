using System.Buffers;
using System.Net;
using System.Net.Http.Headers;

namespace EtcdNet.Grpc;

/// <summary>
/// Reads a call's response: headers (or a trailers-only status), length-prefixed messages, then the status in
/// the trailers. Throws <see cref="RpcException"/> when the call ends non-OK.
/// </summary>
internal sealed class ClientResponseReader<T> : IAsyncStreamReader<T>, IDisposable
{
    private const int InitialBufferSize = 1024;

    private readonly Task<HttpResponseMessage> _responseTask;
    private readonly Marshaller<T> _marshaller;
    private readonly int _maxReceiveMessageSize;
    private readonly CancellationToken _userToken;
    private readonly CancellationTokenSource _callCts;
    private readonly bool _hasDeadline;
    private readonly TaskCompletionSource<StatusCode> _status = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HttpResponseMessage? _response;
    private Stream? _stream;
    private byte[]? _buffer;
    private Exception? _failure;

    public ClientResponseReader(Task<HttpResponseMessage> responseTask, Marshaller<T> marshaller, int maxReceiveMessageSize,
        CancellationToken userToken, CancellationTokenSource callCts, bool hasDeadline)
    {
        _responseTask = responseTask;
        _marshaller = marshaller;
        _maxReceiveMessageSize = maxReceiveMessageSize;
        _userToken = userToken;
        _callCts = callCts;
        _hasDeadline = hasDeadline;
        Current = default!;
    }

    public T Current { get; private set; }

    /// <summary>The final status, once known (also when the call failed on the transport).</summary>
    public Task<StatusCode> Status => _status.Task;

    public async ValueTask<bool> MoveNextAsync(CancellationToken ct = default)
    {
        if (_failure is not null)
        {
            throw _failure;
        }

        if (_status.Task.IsCompleted)
        {
            return false;
        }

        try
        {
            var token = ct.CanBeCanceled ? ct : _callCts.Token;
            if (_stream is null)
            {
                _response = await _responseTask.ConfigureAwait(false);
                if (TryTrailersOnly(_response))
                {
                    return false;
                }

                _stream = await _response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
                _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
            }

            var buffer = _buffer!;
            var read = await _stream.ReadAtLeastAsync(buffer.AsMemory(0, GrpcProtocol.HeaderSize), GrpcProtocol.HeaderSize,
                throwOnEndOfStream: false, token).ConfigureAwait(false);
            if (read == 0)
            {
                FinishFromTrailers(_response!.TrailingHeaders);
                return false;
            }

            if (read < GrpcProtocol.HeaderSize)
            {
                throw new RpcException(StatusCode.Internal, "unexpected EOF");
            }

            if (buffer[0] != 0)
            {
                throw new RpcException(StatusCode.Internal, buffer[0] == 1
                    ? "grpc: compressed flag set with identity or empty encoding"
                    : $"grpc: received unexpected payload format {buffer[0]}");
            }

            var length = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(1, 4));
            if (length > (uint)_maxReceiveMessageSize)
            {
                throw new RpcException(StatusCode.ResourceExhausted,
                    $"grpc: received message larger than max ({length} vs. {_maxReceiveMessageSize})");
            }

            if (length > buffer.Length)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                _buffer = buffer = ArrayPool<byte>.Shared.Rent((int)length);
            }

            await _stream.ReadExactlyAsync(buffer.AsMemory(0, (int)length), token).ConfigureAwait(false);
            Current = _marshaller.Parse(new ReadOnlySequence<byte>(buffer, 0, (int)length));
            return true;
        }
        catch (EndOfStreamException)
        {
            throw Fail(new RpcException(StatusCode.Internal, "unexpected EOF"));
        }
        catch (Exception e)
        {
            throw Fail(ClientErrors.Map(e, _userToken, _hasDeadline ? _callCts : null));
        }
    }

    public void Dispose()
    {
        // A call given up before its end has, from this side, been cancelled.
        _status.TrySetResult(StatusCode.Cancelled);
        _response?.Dispose();
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private bool TryTrailersOnly(HttpResponseMessage response)
    {
        if (TryGetStatus(response.Headers, out var code, out var detail))
        {
            Finish(code, detail);
            return true;
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw ClientErrors.FromHttpStatus(response.StatusCode);
        }

        return false;
    }

    private void FinishFromTrailers(HttpResponseHeaders trailers)
    {
        if (!TryGetStatus(trailers, out var code, out var detail))
        {
            throw new RpcException(StatusCode.Internal, "server closed the stream without sending trailers");
        }

        Finish(code, detail);
    }

    private void Finish(StatusCode code, string detail)
    {
        _status.TrySetResult(code);
        if (code != StatusCode.OK)
        {
            _failure = new RpcException(code, detail);
            throw _failure;
        }
    }

    private Exception Fail(Exception e)
    {
        _failure ??= e;
        _status.TrySetResult(e is RpcException rpc ? rpc.StatusCode : StatusCode.Cancelled);
        if (e is RpcException)
        {
            // Stop the server's side too: the call is over for us.
            _callCts.Cancel();
        }

        return _failure;
    }

    private static bool TryGetStatus(HttpHeaders headers, out StatusCode code, out string detail)
    {
        code = StatusCode.Unknown;
        detail = string.Empty;
        if (!headers.NonValidated.TryGetValues(GrpcProtocol.StatusHeader, out var statusValues))
        {
            return false;
        }

        var text = FirstOf(statusValues);
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value))
        {
            detail = $"malformed grpc-status: \"{text}\"";
            code = StatusCode.Internal;
            return true;
        }

        code = (StatusCode)value;
        if (headers.NonValidated.TryGetValues(GrpcProtocol.MessageHeader, out var messageValues))
        {
            detail = GrpcMessageEncoding.Decode(FirstOf(messageValues));
        }

        return true;
    }

    private static string FirstOf(HeaderStringValues values)
    {
        foreach (var v in values)
        {
            return v;
        }

        return string.Empty;
    }
}
