using System.Diagnostics;
using EtcdNet.Robustness.History;

namespace EtcdNet.Robustness.Traffic;

/// <summary>
/// Concurrent KV and lease traffic with a seeded mix, in the spirit of etcd's robustness traffic: gets (linearizable
/// and serializable), prefix ranges (some limited, some at a past revision), puts with unique values, deletes,
/// compare-and-set txns on mod revision, version and value, lease grant, put with lease and revoke. Every request is
/// recorded with its call and return time; a request whose outcome is unknown is recorded as such.
/// </summary>
public sealed class KvTraffic
{
    private readonly TrafficOptions _options;
    private readonly HistoryRecorder _recorder;
    private readonly Func<int, EtcdClient?> _clientFor;
    private readonly long _seed;
    private long _requests;
    private long _maxRevision;

    /// <param name="clientFor">The client a traffic client should use now (null when no member is up).</param>
    public KvTraffic(TrafficOptions options, HistoryRecorder recorder, Func<int, EtcdClient?> clientFor, long seed)
    {
        _options = options;
        _recorder = recorder;
        _clientFor = clientFor;
        _seed = seed;
    }

    /// <summary>Requests sent so far.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>The highest header revision any response carried.</summary>
    public long MaxRevision => Interlocked.Read(ref _maxRevision);

    /// <summary>Runs every client until <paramref name="ct"/> fires.</summary>
    public Task RunAsync(CancellationToken ct) =>
        Task.WhenAll(Enumerable.Range(0, _options.Clients).Select(id => Task.Run(() => RunClientAsync(id, ct), CancellationToken.None)));

    private async Task RunClientAsync(int clientId, CancellationToken ct)
    {
        var rng = new Random(unchecked((int)_seed * 31 + clientId));
        var state = new ClientState(clientId);
        var interval = TimeSpan.FromSeconds(_options.Clients / _options.RequestsPerSecond);
        var next = Stopwatch.GetTimestamp();
        while (!ct.IsCancellationRequested)
        {
            var client = _clientFor(clientId);
            if (client is null)
            {
                await Pause(TimeSpan.FromMilliseconds(100), ct).ConfigureAwait(false);
                continue;
            }
            var request = NextRequest(rng, state);
            var id = _recorder.Call(clientId, request);
            Interlocked.Increment(ref _requests);
            var failed = false;
            try
            {
                var response = await client.DoAsync(request, _options.RequestTimeout, CancellationToken.None).ConfigureAwait(false);
                _recorder.Return(id, response);
                state.Observe(request, response);
                InterlockedMax(ref _maxRevision, response.Revision);
            }
            catch (Exception e)
            {
                if (Outcome.Definite(e) is { } definite)
                {
                    _recorder.Return(id, definite);
                }
                else
                {
                    _recorder.Fail(id, Outcome.Describe(e));
                    failed = true;
                }
            }
            // A failing member is not hammered: back off a little, as a client's retry policy would.
            next += (long)((failed ? interval * 3 : interval).TotalSeconds * Stopwatch.Frequency * (0.5 + rng.NextDouble()));
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
            if (wait > TimeSpan.Zero) await Pause(wait, ct).ConfigureAwait(false);
            else next = Stopwatch.GetTimestamp();
        }
    }

    private Request NextRequest(Random rng, ClientState state)
    {
        var key = _options.KeyPrefix + rng.Next(_options.KeyCount);
        var roll = rng.Next(100);
        switch (roll)
        {
            case < 22:
                return new RangeRequest(key);
            case < 27:
                return new RangeRequest(key, Serializable: true);
            case < 35:
                return RangeRequest.Prefix(_options.KeyPrefix, limit: rng.Next(3) == 0 ? 1 + rng.Next(4) : 0);
            case < 38:
                // A read at a past revision (may hit a compaction: then a definite error).
                return state.LastRevision > 1
                    ? RangeRequest.Prefix(_options.KeyPrefix, revision: 1 + rng.NextInt64(state.LastRevision))
                    : new RangeRequest(key);
            case < 60:
                return new PutRequest(key, state.NextValue());
            case < 67:
                return new DeleteRequest(key);
            case < 77:
            {
                // Compare-and-set on the mod revision this client last saw (0: "the key does not exist").
                var mod = state.ModRevisions.GetValueOrDefault(key);
                return new TxnRequest(
                    [Compare.ModRevisionIs(key, CompareResult.Equal, mod)],
                    [new TxnPut(key, state.NextValue())],
                    [new TxnRange(key)]);
            }
            case < 81:
            {
                // A different key: etcd refuses a txn that writes one key twice ("duplicate key given in txn request").
                var other = _options.KeyPrefix + ((int.Parse(key.AsSpan(_options.KeyPrefix.Length), System.Globalization.CultureInfo.InvariantCulture) + 1 + rng.Next(_options.KeyCount - 1)) % _options.KeyCount);
                return new TxnRequest(
                    [Compare.VersionIs(key, CompareResult.Greater, 0), Compare.ValueIs(other, CompareResult.NotEqual, state.LastValue ?? "")],
                    [new TxnDelete(key), new TxnPut(other, state.NextValue())],
                    [new TxnRange(_options.KeyPrefix, History.KeyRange.PrefixEnd(_options.KeyPrefix)), new TxnPut(key, state.NextValue())]);
            }
            case < 85:
                return new LeaseGrantRequest(_options.LeaseTtl, state.NextLeaseId());
            case < 94:
                return state.Leases.Count > 0
                    ? new PutRequest(key, state.NextValue(), state.Leases[rng.Next(state.Leases.Count)])
                    : new PutRequest(key, state.NextValue());
            default:
                if (state.Leases.Count == 0) return new RangeRequest(key);
                var lease = state.Leases[rng.Next(state.Leases.Count)];
                state.Leases.Remove(lease);
                return new LeaseRevokeRequest(lease);
        }
    }

    private static async Task Pause(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    /// <summary>What one client remembers between requests: revisions it saw, its leases, its value counter.</summary>
    private sealed class ClientState(int clientId)
    {
        private int _seq;
        private int _leaseSeq;

        public Dictionary<string, long> ModRevisions { get; } = new(StringComparer.Ordinal);
        public List<long> Leases { get; } = [];
        public long LastRevision { get; private set; }
        public string? LastValue { get; private set; }

        // Unique values let the checker tell every write apart, as etcd's robustness traffic does.
        public string NextValue() => LastValue = $"c{clientId}-{++_seq}";

        // Ids chosen by the client, so that even a grant with an unknown outcome names its lease.
        public long NextLeaseId() => ((long)(clientId + 1) << 32) | (uint)++_leaseSeq;

        public void Observe(Request request, Response response)
        {
            if (response.Revision > LastRevision) LastRevision = response.Revision;
            switch (response)
            {
                case RangeResponse range when request is RangeRequest { Revision: 0, RangeEnd: null } r:
                    ModRevisions[r.Key] = range.Kvs.Count > 0 ? range.Kvs[0].ModRevision : 0;
                    break;
                case PutResponse when request is PutRequest p:
                    ModRevisions[p.Key] = response.Revision;
                    break;
                case TxnResponse { Succeeded: true } when request is TxnRequest { Success: [TxnPut put] }:
                    ModRevisions[put.Key] = response.Revision;
                    break;
                case LeaseGrantResponse grant:
                    Leases.Add(grant.Id);
                    break;
                case TxnResponse { Succeeded: false } txn when request is TxnRequest t && t.Failure.Count == 1 && t.Failure[0] is TxnRange tr
                                                               && txn.Results.Count == 1 && txn.Results[0] is TxnRangeResult rr:
                    ModRevisions[tr.Key] = rr.Kvs.Count > 0 ? rr.Kvs[0].ModRevision : 0;
                    break;
            }
        }
    }
}
