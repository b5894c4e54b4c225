using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using Google.Protobuf;

namespace EtcdNet.Benchmark;

/// <summary>
/// One watch-latency run: <c>streams × watchersPerStream</c> watchers on one key, spread over the connections, then
/// puts to that key at a fixed rate; each event's latency is the time from sending its put to receiving the event
/// on a watcher. Each put's value starts with its sequence number, so an event finds its put without a lookup.
/// Created in two steps so a caller can measure the server between them (memory per watcher).
/// </summary>
public sealed class WatchLatencyRun : IAsyncDisposable
{
    private const string WatchMethod = "/etcdserverpb.Watch/Watch";
    private const string PutMethod = "/etcdserverpb.KV/Put";

    private static readonly Marshaller<WatchRequest> WatchRequests = For(WatchRequest.Parser);
    private static readonly Marshaller<WatchResponse> WatchResponses = For(WatchResponse.Parser);
    private static readonly Marshaller<PutRequest> PutRequests = For(PutRequest.Parser);
    private static readonly Marshaller<PutResponse> PutResponses = For(PutResponse.Parser);

    private readonly Settings _settings;
    private readonly GrpcChannel[] _channels;
    private readonly GrpcChannel _putChannel;
    private readonly List<DuplexCall<WatchRequest, WatchResponse>> _calls = [];
    private readonly ByteString _key;
    private readonly long[] _sentAt;
    private Report? _report;
    private long _received;
    private long _unexpected;

    /// <summary>What a run does (etcd's watch-latency flags plus the stream layout of its watch benchmark).</summary>
    public sealed record Settings(int Streams, int WatchersPerStream, int PutTotal, double PutRate, int KeySize, int ValSize)
    {
        /// <summary>All watchers.</summary>
        public int Watchers => Streams * WatchersPerStream;
    }

    private WatchLatencyRun(IReadOnlyList<Uri> endpoints, int conns, Settings settings)
    {
        _settings = settings;
        _channels = new GrpcChannel[conns];
        for (int i = 0; i < conns; i++)
        {
            _channels[i] = new GrpcChannel(endpoints[i % endpoints.Count], new GrpcChannelOptions { Connections = 1, EnableMultipleHttp2Connections = false });
        }
        // Puts get a connection of their own so that event traffic does not queue in front of them.
        _putChannel = new GrpcChannel(endpoints[0], new GrpcChannelOptions { Connections = 1, EnableMultipleHttp2Connections = false });
        _key = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(settings.KeySize));
        _sentAt = new long[settings.PutTotal];
    }

    /// <summary>Opens the streams and creates every watcher; returns once the server has answered every create.</summary>
    public static async Task<WatchLatencyRun> StartAsync(IReadOnlyList<Uri> endpoints, int conns, Settings settings, CancellationToken ct)
    {
        if (settings.Streams < 1 || settings.WatchersPerStream < 1 || settings.PutTotal < 1 || settings.PutRate <= 0 || settings.KeySize < 1 || settings.ValSize < sizeof(long))
        {
            throw new ArgumentException("--streams, --watchers-per-stream, --put-total, --put-rate and --key-size must be positive, --val-size at least 8");
        }
        var run = new WatchLatencyRun(endpoints, Math.Max(1, conns), settings);
        try
        {
            await run.CreateWatchersAsync(ct).ConfigureAwait(false);
            return run;
        }
        catch
        {
            await run.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Puts at the fixed rate, then waits (at most <paramref name="drain"/> after the last put) for every event.</summary>
    public async Task<Report> RunAsync(TimeSpan drain, CancellationToken ct)
    {
        long expected = (long)_settings.Watchers * _settings.PutTotal;
        _report = new Report((int)Math.Min(int.MaxValue, expected));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var readers = _calls.Select(call => Task.Run(() => ReadEventsAsync(call, stop.Token), CancellationToken.None)).ToArray();
        long start = Stopwatch.GetTimestamp();
        var pacer = new RequestPacer(_settings.PutRate);
        var value = new byte[_settings.ValSize];
        RandomNumberGenerator.Fill(value);
        for (int seq = 0; seq < _settings.PutTotal; seq++)
        {
            await pacer.WaitTurnAsync(ct).ConfigureAwait(false);
            BinaryPrimitives.WriteInt64LittleEndian(value, seq);
            var put = new PutRequest { Key = _key, Value = ByteString.CopyFrom(value) };
            Volatile.Write(ref _sentAt[seq], Stopwatch.GetTimestamp());
            try
            {
                await _putChannel.UnaryAsync(PutMethod, put, PutRequests, PutResponses, ct: ct).ConfigureAwait(false);
            }
            catch (RpcException e)
            {
                _report.RecordError($"put: rpc error: code = {e.StatusCode} desc = {e.Detail}");
            }
        }

        long deadline = Stopwatch.GetTimestamp() + (long)(drain.TotalSeconds * Stopwatch.Frequency);
        while (Interlocked.Read(ref _received) < expected && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(10, ct).ConfigureAwait(false);
        }
        long missing = expected - Interlocked.Read(ref _received);
        for (long i = 0; i < missing; i++)
        {
            _report.RecordError("event not received before the deadline");
        }
        for (long i = 0; i < Interlocked.Read(ref _unexpected); i++)
        {
            _report.RecordError("unexpected watch response (canceled or no events)");
        }
        _report.Complete(Stopwatch.GetElapsedTime(start));
        await stop.CancelAsync().ConfigureAwait(false);
        foreach (Task reader in readers)
        {
            try
            {
                await reader.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or RpcException)
            {
                // Readers end with the run.
            }
        }
        return _report;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var call in _calls)
        {
            await call.DisposeAsync().ConfigureAwait(false);
        }
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
        _putChannel.Dispose();
    }

    private async Task CreateWatchersAsync(CancellationToken ct)
    {
        var create = new WatchRequest { CreateRequest = new WatchCreateRequest { Key = _key } };
        for (int s = 0; s < _settings.Streams; s++)
        {
            var call = _channels[s % _channels.Length].Duplex(WatchMethod, WatchRequests, WatchResponses, ct: ct);
            _calls.Add(call);
            for (int w = 0; w < _settings.WatchersPerStream; w++)
            {
                await call.WriteAsync(create).ConfigureAwait(false);
            }
        }
        await Task.WhenAll(_calls.Select(async call =>
        {
            for (int created = 0; created < _settings.WatchersPerStream;)
            {
                if (!await call.Responses.MoveNextAsync(ct).ConfigureAwait(false))
                {
                    throw new InvalidOperationException("watch stream ended while creating watchers");
                }
                WatchResponse r = call.Responses.Current;
                if (!r.Created || r.Canceled)
                {
                    throw new InvalidOperationException($"watch create failed: {r}");
                }
                created++;
            }
        })).ConfigureAwait(false);
    }

    private async Task ReadEventsAsync(DuplexCall<WatchRequest, WatchResponse> call, CancellationToken ct)
    {
        while (await call.Responses.MoveNextAsync(ct).ConfigureAwait(false))
        {
            long now = Stopwatch.GetTimestamp();
            WatchResponse r = call.Responses.Current;
            if (r.Events.Count == 0)
            {
                Interlocked.Increment(ref _unexpected);
                continue;
            }
            foreach (var e in r.Events)
            {
                long seq = BinaryPrimitives.ReadInt64LittleEndian(e.Kv.Value.Span);
                if (seq < 0 || seq >= _sentAt.Length)
                {
                    Interlocked.Increment(ref _unexpected);
                    continue;
                }
                _report!.Record(Stopwatch.GetElapsedTime(Volatile.Read(ref _sentAt[seq]), now));
                Interlocked.Increment(ref _received);
            }
        }
    }

    private static Marshaller<T> For<T>(MessageParser<T> parser)
        where T : IMessage<T> =>
        new(parser.ParseFrom, static m => m.CalculateSize(), static (m, span) => m.WriteTo(span));
}
