using System.Buffers;

namespace EtcdNet.Grpc;

/// <summary>A client call where both sides stream.</summary>
public sealed class DuplexCall<TReq, TResp> : IAsyncDisposable
{
    private readonly HttpRequestMessage _message;
    private readonly StreamingRequestContent _content;
    private readonly ClientResponseReader<TResp> _reader;
    private readonly Marshaller<TReq> _marshaller;
    private readonly CancellationTokenSource _cts;
    private readonly CancellationToken _userToken;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private bool _completed;

    internal DuplexCall(HttpRequestMessage message, StreamingRequestContent content, ClientResponseReader<TResp> reader,
        Marshaller<TReq> marshaller, CancellationTokenSource cts, CancellationToken userToken)
    {
        _message = message;
        _content = content;
        _reader = reader;
        _marshaller = marshaller;
        _cts = cts;
        _userToken = userToken;
    }

    /// <summary>The response stream; its MoveNextAsync throws <see cref="RpcException"/> if the call ends non-OK.</summary>
    public IAsyncStreamReader<TResp> Responses => _reader;

    /// <summary>
    /// Completes with the final status once the response stream has been read to its end (or failed);
    /// Cancelled if the call is disposed before that.
    /// </summary>
    public Task<StatusCode> Status => _reader.Status;

    /// <summary>Sends one request message; safe to call from several tasks (writes are serialised).</summary>
    public async ValueTask WriteAsync(TReq message)
    {
        var size = _marshaller.Size(message);
        var frame = ArrayPool<byte>.Shared.Rent(GrpcProtocol.HeaderSize + size);
        await _writeLock.WaitAsync(_cts.Token).ConfigureAwait(false);
        try
        {
            if (_completed)
            {
                throw new InvalidOperationException("the request stream is already complete");
            }

            GrpcProtocol.WriteHeader(frame, size);
            _marshaller.Write(message, frame.AsSpan(GrpcProtocol.HeaderSize, size));
            var stream = await _content.Stream.ConfigureAwait(false);

            // The HTTP/2 stream copies into the connection's buffer before completing, so the frame can go back to the pool.
            await stream.WriteAsync(frame.AsMemory(0, GrpcProtocol.HeaderSize + size), _cts.Token).ConfigureAwait(false);
            await stream.FlushAsync(_cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not InvalidOperationException)
        {
            throw ClientErrors.Map(e, _userToken, deadline: null);
        }
        finally
        {
            _writeLock.Release();
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>Half-closes: tells the server no more requests follow.</summary>
    public async ValueTask CompleteAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            _completed = true;
            _content.Complete();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Ends the call: resets the stream if the server has not finished it, and frees its resources.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_reader.Status.IsCompleted)
        {
            await _cts.CancelAsync().ConfigureAwait(false);
        }

        _content.Complete();
        _reader.Dispose();
        _message.Dispose();
        _cts.Dispose();
    }
}
