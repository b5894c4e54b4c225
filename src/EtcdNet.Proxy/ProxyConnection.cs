using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using System.Threading.Channels;

namespace EtcdNet.Proxy;

/// <summary>One accepted connection and its dialed twin, piped both ways through the tx and rx faults.</summary>
/// <remarks>
/// Each direction is a small delay line: a reader takes chunks off the source socket and stamps when they are due,
/// a writer forwards them when due. Latency therefore delays each chunk without also dividing the throughput, and the
/// bounded queue between the two gives backpressure: a paused or slow direction stops reading its source, which
/// stops the sender through TCP flow control, instead of buffering without limit.
/// A clean end of one direction is passed on as a half-close; any error ends both directions.
/// </remarks>
internal sealed class ProxyConnection
{
    // Chunks in flight per direction: with 48 KiB reads, at most ~400 KiB held per direction.
    private const int QueuedChunks = 8;

    private readonly Socket _client;
    private readonly Socket _server;
    private readonly TrafficControl _tx;
    private readonly TrafficControl _rx;
    private readonly int _bufferSize;

    public ProxyConnection(Socket client, Socket server, TrafficControl tx, TrafficControl rx, int bufferSize)
    {
        _client = client;
        _server = server;
        _tx = tx;
        _rx = rx;
        _bufferSize = bufferSize;
    }

    /// <summary>Pipes until both directions end, one fails, or <paramref name="shutdown"/> fires; closes both sockets.</summary>
    public async Task RunAsync(CancellationToken shutdown)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        try
        {
            var tx = PumpAsync(_client, _server, _tx, stop);
            var rx = PumpAsync(_server, _client, _rx, stop);
            await Task.WhenAll(tx, rx).ConfigureAwait(false);
        }
        finally
        {
            _client.Dispose();
            _server.Dispose();
        }
    }

    private async Task PumpAsync(Socket source, Socket destination, TrafficControl faults, CancellationTokenSource stop)
    {
        var queue = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(QueuedChunks)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        try
        {
            await Task.WhenAll(
                EndAllOnFailureAsync(ReadAsync(source, faults, queue.Writer, stop.Token), stop),
                EndAllOnFailureAsync(WriteAsync(destination, faults, queue.Reader, stop.Token), stop)).ConfigureAwait(false);
        }
        finally
        {
            while (queue.Reader.TryRead(out var left)) ArrayPool<byte>.Shared.Return(left.Buffer);
        }
    }

    // Once one side of the pipe fails, nothing else can go on: wake every wait and close the sockets under them.
    private async Task EndAllOnFailureAsync(Task pipeStage, CancellationTokenSource stop)
    {
        try
        {
            await pipeStage.ConfigureAwait(false);
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            _client.Dispose();
            _server.Dispose();
            throw;
        }
    }

    private async Task ReadAsync(Socket source, TrafficControl faults, ChannelWriter<Chunk> queue, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(_bufferSize);
                var queued = false;
                try
                {
                    var read = await source.ReceiveAsync(buffer.AsMemory(0, _bufferSize), SocketFlags.None, ct).ConfigureAwait(false);
                    if (read == 0) return;

                    // As in etcd's proxy: a pause holds the chunk just read, and a blackhole drops data only once
                    // it would flow, so pause-then-blackhole loses nothing that was read before the pause.
                    await faults.WaitFlowingAsync(ct).ConfigureAwait(false);
                    if (faults.IsBlackholed) continue;

                    var latency = faults.Latency;
                    var due = latency > TimeSpan.Zero ? Stopwatch.GetTimestamp() + (long)(latency.TotalSeconds * Stopwatch.Frequency) : 0;
                    await queue.WriteAsync(new Chunk(buffer, read, due), ct).ConfigureAwait(false);
                    queued = true;
                }
                finally
                {
                    if (!queued) ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        finally
        {
            queue.TryComplete();
        }
    }

    private static async Task WriteAsync(Socket destination, TrafficControl faults, ChannelReader<Chunk> queue, CancellationToken ct)
    {
        await foreach (var chunk in queue.ReadAllAsync(ct).ConfigureAwait(false))
        {
            try
            {
                if (chunk.Due != 0)
                {
                    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), chunk.Due);
                    if (wait > TimeSpan.Zero) await Task.Delay(wait, ct).ConfigureAwait(false);
                }

                // Faults set while the chunk was queued apply to it too: a pause holds what is already in flight.
                await faults.WaitFlowingAsync(ct).ConfigureAwait(false);
                if (faults.IsBlackholed) continue;

                var data = chunk.Buffer.AsMemory(0, chunk.Length);
                while (!data.IsEmpty)
                {
                    var sent = await destination.SendAsync(data, SocketFlags.None, ct).ConfigureAwait(false);
                    data = data[sent..];
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk.Buffer);
            }
        }

        // The source said it will send no more: say the same to the destination and keep the other direction open.
        destination.Shutdown(SocketShutdown.Send);
    }

    private readonly record struct Chunk(byte[] Buffer, int Length, long Due);
}
