using System.Threading.Channels;

namespace EtcdNet.Grpc;

/// <summary>
/// The response side of a streaming call. Producers enqueue; one drain task frames messages into the body and
/// flushes once per batch, because Kestrel's PipeWriter must not be used from two tasks at once.
/// </summary>
internal sealed class ServerStreamWriter<T> : IServerStreamWriter<T>
{
    // Bounded so a client that stops reading pushes back on producers instead of growing memory without limit.
    private const int QueueCapacity = 128;

    // Flush at least this often within a burst so the client sees progress while the queue refills.
    private const int FlushThreshold = 64 * 1024;

    private readonly ServerCall _call;
    private readonly Marshaller<T> _marshaller;
    private readonly Channel<Pending> _queue;
    private readonly Task _drain;
    private Exception? _failure;

    public ServerStreamWriter(ServerCall call, Marshaller<T> marshaller)
    {
        _call = call;
        _marshaller = marshaller;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _drain = DrainAsync();
    }

    public ValueTask WriteAsync(T message, CancellationToken ct = default)
    {
        var size = _call.MeasureResponse(message, _marshaller);
        var pending = new Pending(message, size);
        return _queue.Writer.TryWrite(pending) ? default : WriteSlowAsync(pending, ct);
    }

    /// <summary>Stops accepting messages, waits until the queued ones are flushed, and folds a send failure into the status.</summary>
    public async ValueTask<(StatusCode Code, string? Detail)> CompleteAsync(StatusCode code, string? detail)
    {
        _queue.Writer.TryComplete();
        await _drain.ConfigureAwait(false);
        if (_failure is not null && code == StatusCode.OK)
        {
            return _call.MapException(_failure);
        }

        return (code, detail);
    }

    private async ValueTask WriteSlowAsync(Pending pending, CancellationToken ct)
    {
        try
        {
            await _queue.Writer.WriteAsync(pending, ct).ConfigureAwait(false);
        }
        catch (ChannelClosedException e)
        {
            // The stream failed or the call has ended; its token is cancelled by then.
            throw new OperationCanceledException("the stream is closed", _failure ?? e, _call.Context.CancellationToken);
        }
    }

    private async Task DrainAsync()
    {
        var reader = _queue.Reader;
        var body = _call.BodyWriter;
        var token = _call.Context.CancellationToken;
        try
        {
            while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                var buffered = 0;
                while (buffered < FlushThreshold && reader.TryRead(out var pending))
                {
                    _call.WriteMessage(body, pending.Message, _marshaller, pending.Size);
                    buffered += GrpcProtocol.HeaderSize + pending.Size;
                }

                var result = await body.FlushAsync(token).ConfigureAwait(false);
                if (result.IsCompleted || result.IsCanceled)
                {
                    throw new OperationCanceledException(token);
                }
            }
        }
        catch (Exception e)
        {
            _failure = e;
            _queue.Writer.TryComplete(e);
        }
    }

    private readonly record struct Pending(T Message, int Size);
}
