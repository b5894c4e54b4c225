using System.Net;

namespace EtcdNet.Grpc;

/// <summary>The body of a duplex call: open until the caller half-closes, written to as messages come.</summary>
internal sealed class StreamingRequestContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StreamingRequestContent() => Headers.ContentType = RequestContentType.Value;

    /// <summary>The request stream, once the handler has sent the headers.</summary>
    public Task<Stream> Stream => _stream.Task;

    /// <summary>Ends the request body (END_STREAM).</summary>
    public void Complete() => _complete.TrySetResult();

    /// <summary>The request could not be sent: fail waiting writers and let go of the body.</summary>
    public void Fail(Exception e)
    {
        _stream.TrySetException(e);
        _complete.TrySetResult();
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        // The handler cancels this token when the response ends first (the server finished the call).
        cancellationToken.Register(static s => ((TaskCompletionSource)s!).TrySetResult(), _complete);
        // HTTP/2 holds the request headers back until the first body write; flushing sends them now, so the
        // server sees (and can answer or refuse) a call whose client has nothing to write yet.
        try
        {
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            _stream.TrySetException(e);
            throw;
        }
        _stream.TrySetResult(stream);
        await _complete.Task.ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
