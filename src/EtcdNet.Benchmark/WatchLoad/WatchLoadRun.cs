using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using Google.Protobuf;

namespace EtcdNet.Benchmark.WatchLoad;

/// <summary>
/// One watch-load run: watch streams over several connections and endpoints, each with watchers on a set of keys,
/// while puts go to those keys at a fixed rate. Every put's value carries its sequence number (for latency: put sent
/// to event received) and its acknowledged revision says which event each watcher must get, so missed, duplicated and
/// out-of-order events are counted per watcher by revision.
/// </summary>
public sealed class WatchLoadRun : IAsyncDisposable
{
    private const string WatchMethod = "/etcdserverpb.Watch/Watch";
    private const string PutMethod = "/etcdserverpb.KV/Put";
    private static readonly TimeSpan PutTimeout = TimeSpan.FromSeconds(5);

    private static readonly Marshaller<WatchRequest> WatchRequests = KvConnections.For(WatchRequest.Parser);
    private static readonly Marshaller<WatchResponse> WatchResponses = KvConnections.For(WatchResponse.Parser);
    private static readonly Marshaller<PutRequest> PutRequests = KvConnections.For(PutRequest.Parser);
    private static readonly Marshaller<PutResponse> PutResponses = KvConnections.For(PutResponse.Parser);

    private readonly WatchLoadSettings _settings;
    private readonly GrpcChannel[] _watchChannels;
    private readonly GrpcChannel[] _putChannels;
    private readonly ByteString[] _keys;
    private readonly List<WatchStream> _streams = [];
    private readonly int[] _watchersOnKey;
    private readonly long[] _sentAt;
    private readonly long[] _revisions;
    private long _distinctReceived;
    private long _watchErrors;

    private WatchLoadRun(IReadOnlyList<Uri> endpoints, IReadOnlyList<Uri> putEndpoints, WatchLoadSettings settings)
    {
        _settings = settings;
        var single = new GrpcChannelOptions { Connections = 1, EnableMultipleHttp2Connections = false };
        _watchChannels = Enumerable.Range(0, settings.Conns).Select(i => new GrpcChannel(endpoints[i % endpoints.Count], single)).ToArray();
        // Puts ride connections of their own, so event traffic does not queue in front of them.
        _putChannels = putEndpoints.Select(e => new GrpcChannel(e, single)).ToArray();
        var run = Guid.NewGuid().ToString("N")[..12];
        _keys = Enumerable.Range(0, settings.Keys)
            .Select(i => ByteString.CopyFromUtf8(string.Create(CultureInfo.InvariantCulture, $"/watch-load/{run}/{i:D6}")))
            .ToArray();
        _watchersOnKey = new int[settings.Keys];
        _sentAt = new long[settings.PutTotal];
        _revisions = new long[settings.PutTotal];
    }

    /// <summary>Opens every watch stream and creates every watcher; returns once the servers have confirmed them all.</summary>
    /// <remarks>Watch connections go to <paramref name="endpoints"/> round-robin, puts to <paramref name="putEndpoints"/>.</remarks>
    public static async Task<WatchLoadRun> StartAsync(IReadOnlyList<Uri> endpoints, IReadOnlyList<Uri> putEndpoints, WatchLoadSettings settings,
        CancellationToken ct)
    {
        settings.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(endpoints.Count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(putEndpoints.Count, 1);
        var run = new WatchLoadRun(endpoints, putEndpoints, settings);
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

    /// <summary>Puts for the configured duration, waits for events in flight, and judges every watcher's delivery.</summary>
    public async Task<WatchLoadSummary> RunAsync(CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var readers = _streams.Select(s => Task.Run(() => ReadEventsAsync(s, stop.Token), CancellationToken.None)).ToArray();

        var start = Stopwatch.GetTimestamp();
        var pacer = new RequestPacer(_settings.PutRate);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        long nextSeq = -1;
        long failed = 0;
        var putters = Enumerable.Range(0, _settings.PutClients).Select(_ => Task.Run(async () =>
        {
            var value = new byte[_settings.ValSize];
            while (true)
            {
                var seq = Interlocked.Increment(ref nextSeq);
                if (seq >= _settings.PutTotal) return;
                await pacer.WaitTurnAsync(ct).ConfigureAwait(false);
                BinaryPrimitives.WriteInt64LittleEndian(value, seq);
                var put = new PutRequest { Key = _keys[seq % _keys.Length], Value = ByteString.CopyFrom(value) };
                Volatile.Write(ref _sentAt[seq], Stopwatch.GetTimestamp());
                try
                {
                    var channel = _putChannels[seq % _putChannels.Length];
                    var response = await channel.UnaryAsync(PutMethod, put, PutRequests, PutResponses, timeout: PutTimeout, ct: ct).ConfigureAwait(false);
                    Volatile.Write(ref _revisions[seq], response.Header.Revision);
                }
                catch (Exception e) when (e is RpcException or HttpRequestException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
                {
                    Interlocked.Increment(ref failed);
                    failures.Enqueue($"put: {e.Message}");
                }
            }
        }, CancellationToken.None)).ToArray();
        await Task.WhenAll(putters).ConfigureAwait(false);
        var putPhase = Stopwatch.GetElapsedTime(start);

        // Events may still be on their way: wait until every expected one has come, or the drain time is up.
        var expectedByKey = ExpectedRevisionsByKey();
        long expected = expectedByKey.Select((revisions, key) => (long)revisions.Count * _watchersOnKey[key]).Sum();
        var drainUntil = Stopwatch.GetTimestamp() + (long)((_settings.Drain ?? TimeSpan.FromSeconds(10)).TotalSeconds * Stopwatch.Frequency);
        while (Interlocked.Read(ref _distinctReceived) < expected && Stopwatch.GetTimestamp() < drainUntil)
        {
            await Task.Delay(20, ct).ConfigureAwait(false);
        }

        await stop.CancelAsync().ConfigureAwait(false);
        foreach (var call in _streams.Select(s => s.Call)) await call.DisposeAsync().ConfigureAwait(false);
        foreach (var reader in readers)
        {
            try
            {
                await reader.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or RpcException or IOException or HttpRequestException or ObjectDisposedException)
            {
                // Readers end with the run.
            }
        }

        return Summarize(expectedByKey, expected, failed, putPhase, failures);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var stream in _streams) await stream.Call.DisposeAsync().ConfigureAwait(false);
        foreach (var channel in _watchChannels.Concat(_putChannels)) channel.Dispose();
    }

    private async Task CreateWatchersAsync(CancellationToken ct)
    {
        for (var c = 0; c < _settings.Conns; c++)
        {
            var stream = new WatchStream(_watchChannels[c].Duplex(WatchMethod, WatchRequests, WatchResponses, ct: ct));
            _streams.Add(stream);
            for (var w = 0; w < _settings.WatchersPerConn; w++)
            {
                var key = (c * _settings.WatchersPerConn + w) % _settings.Keys;
                _watchersOnKey[key]++;
                stream.Pending.Enqueue(new WatcherLedger(key));
                await stream.Call.WriteAsync(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = _keys[key] } }).ConfigureAwait(false);
            }
        }

        // A stream answers its creates in the order sent, so the n-th created id belongs to the n-th create.
        await Task.WhenAll(_streams.Select(async stream =>
        {
            while (stream.Pending.Count > 0)
            {
                if (!await stream.Call.Responses.MoveNextAsync(ct).ConfigureAwait(false))
                {
                    throw new InvalidOperationException("watch stream ended while creating watchers");
                }

                var r = stream.Call.Responses.Current;
                if (!r.Created || r.Canceled) throw new InvalidOperationException($"watch create failed: {r}");
                stream.ById[r.WatchId] = stream.Pending.Dequeue();
            }
        })).ConfigureAwait(false);
    }

    private async Task ReadEventsAsync(WatchStream stream, CancellationToken ct)
    {
        while (await stream.Call.Responses.MoveNextAsync(ct).ConfigureAwait(false))
        {
            var now = Stopwatch.GetTimestamp();
            var r = stream.Call.Responses.Current;
            if (r.Canceled || !stream.ById.TryGetValue(r.WatchId, out var ledger))
            {
                Interlocked.Increment(ref _watchErrors);
                continue;
            }

            foreach (var e in r.Events)
            {
                var isNew = !ledger.HasSeen(e.Kv.ModRevision);
                ledger.Record(e.Kv.ModRevision);
                if (isNew) Interlocked.Increment(ref _distinctReceived);
                if (e.Kv.Value.Length < sizeof(long)) continue;
                var seq = BinaryPrimitives.ReadInt64LittleEndian(e.Kv.Value.Span);
                if (seq >= 0 && seq < _sentAt.Length && isNew)
                {
                    stream.Latencies.Add(Stopwatch.GetElapsedTime(Volatile.Read(ref _sentAt[seq]), now).TotalSeconds);
                }
            }
        }
    }

    private List<long>[] ExpectedRevisionsByKey()
    {
        var byKey = Enumerable.Range(0, _settings.Keys).Select(_ => new List<long>()).ToArray();
        for (var seq = 0; seq < _revisions.Length; seq++)
        {
            var revision = Volatile.Read(ref _revisions[seq]);
            if (revision > 0) byKey[seq % _settings.Keys].Add(revision);
        }

        return byKey;
    }

    private WatchLoadSummary Summarize(List<long>[] expectedByKey, long expected, long failed, TimeSpan putPhase, IEnumerable<string> failures)
    {
        var latencies = _streams.SelectMany(s => s.Latencies).ToList();
        var report = new Report(latencies.Count);
        foreach (var l in latencies) report.Record(TimeSpan.FromSeconds(l));
        foreach (var failure in failures) report.RecordError(failure);
        report.Complete(putPhase);

        long missed = 0, duplicated = 0, outOfOrder = 0, received = 0;
        var faulty = 0;
        foreach (var ledger in _streams.SelectMany(s => s.ById.Values))
        {
            var m = ledger.CountMissed(expectedByKey[ledger.KeyIndex]);
            missed += m;
            duplicated += ledger.Duplicated;
            outOfOrder += ledger.OutOfOrder;
            received += ledger.Received;
            if (m + ledger.Duplicated + ledger.OutOfOrder > 0) faulty++;
        }

        var acknowledged = expectedByKey.Sum(k => (long)k.Count);
        return new WatchLoadSummary(report, _settings.Watchers, acknowledged, failed, expected, received, missed, duplicated, outOfOrder,
            Interlocked.Read(ref _watchErrors), faulty);
    }

    /// <summary>One connection's watch stream and the watchers created on it.</summary>
    private sealed class WatchStream(DuplexCall<WatchRequest, WatchResponse> call)
    {
        public DuplexCall<WatchRequest, WatchResponse> Call { get; } = call;

        public Queue<WatcherLedger> Pending { get; } = new();

        public Dictionary<long, WatcherLedger> ById { get; } = [];

        public List<double> Latencies { get; } = [];
    }
}
