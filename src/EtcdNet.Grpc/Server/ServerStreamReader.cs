namespace EtcdNet.Grpc;

/// <summary>The request side of a duplex call, parsed frame by frame from Kestrel's body pipe.</summary>
internal sealed class ServerStreamReader<T> : IAsyncStreamReader<T>
{
    private readonly ServerCall _call;
    private readonly Marshaller<T> _marshaller;
    private bool _ended;

    public ServerStreamReader(ServerCall call, Marshaller<T> marshaller)
    {
        _call = call;
        _marshaller = marshaller;
        Current = default!;
    }

    public T Current { get; private set; }

    public async ValueTask<bool> MoveNextAsync(CancellationToken ct = default)
    {
        if (_ended)
        {
            return false;
        }

        // The call's own token cancels pending reads through a registration made once in ServerCall.Begin,
        // so passing the caller's token here needs no linked source per read.
        var (ok, message) = await _call.ReadMessageAsync(_marshaller, ct).ConfigureAwait(false);
        if (!ok)
        {
            _ended = true;
            Current = default!;
            return false;
        }

        Current = message;
        return true;
    }
}
