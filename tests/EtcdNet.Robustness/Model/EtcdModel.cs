using EtcdNet.Robustness.History;

namespace EtcdNet.Robustness.Model;

/// <summary>
/// The deterministic etcd KV model: given a state, a request and the response a client observed, the next state, or
/// null when that response could not have come from that state. A null response (outcome unknown) applies the
/// request's effect without checking anything. Ranges at a past revision are checked here only for their header
/// revision and errors; their contents are checked against the replayed history (<see cref="Replay"/>).
/// </summary>
public static class EtcdModel
{
    /// <summary>The state after <paramref name="request"/> answered with <paramref name="response"/>, or null if impossible.</summary>
    public static EtcdState? Step(EtcdState state, Request request, Response? response, StepTrace? trace = null)
    {
        if (response is ErrorResponse error)
        {
            return StepError(state, request, error, trace);
        }
        return request switch
        {
            RangeRequest range => StepRange(state, range, response, trace),
            PutRequest put => StepWrite(state, [new TxnPut(put.Key, put.Value, put.Lease)], response, trace, put),
            DeleteRequest delete => StepWrite(state, [new TxnDelete(delete.Key, delete.RangeEnd)], response, trace, delete),
            TxnRequest txn => StepTxn(state, txn, response, trace),
            LeaseGrantRequest grant => StepLeaseGrant(state, grant, response, trace),
            LeaseRevokeRequest revoke => StepLeaseRevoke(state, revoke, response, trace),
            CompactRequest compact => StepCompact(state, compact, response, trace),
            _ => throw new ArgumentException($"unknown request {request.GetType().Name}", nameof(request)),
        };
    }

    /// <summary>Whether a Txn compare holds in <paramref name="state"/> (a missing key fails every value compare).</summary>
    public static bool Holds(EtcdState state, Compare compare)
    {
        var found = state.Kvs.TryGetValue(compare.Key, out var kv);
        if (!found && compare.Target == CompareTarget.Value)
        {
            return false;
        }
        var cmp = compare.Target switch
        {
            CompareTarget.Value => string.CompareOrdinal(kv!.Value, compare.Value ?? ""),
            CompareTarget.Version => (kv?.Version ?? 0).CompareTo(compare.Number),
            CompareTarget.Create => (kv?.CreateRevision ?? 0).CompareTo(compare.Number),
            CompareTarget.Mod => (kv?.ModRevision ?? 0).CompareTo(compare.Number),
            CompareTarget.Lease => (kv?.Lease ?? 0).CompareTo(compare.Number),
            _ => throw new ArgumentException($"unknown compare target {compare.Target}", nameof(compare)),
        };
        return compare.Result switch
        {
            CompareResult.Equal => cmp == 0,
            CompareResult.Greater => cmp > 0,
            CompareResult.Less => cmp < 0,
            CompareResult.NotEqual => cmp != 0,
            _ => throw new ArgumentException($"unknown compare result {compare.Result}", nameof(compare)),
        };
    }

    /// <summary>The kvs a Range (key, range end, limit) returns from <paramref name="state"/>, with the total count.</summary>
    public static (List<KeyValue> Kvs, long Count, bool More) Evaluate(EtcdState state, string key, string? rangeEnd, long limit)
    {
        var kvs = new List<KeyValue>();
        long count = 0;
        foreach (var kv in state.Range(key, rangeEnd))
        {
            count++;
            if (limit <= 0 || count <= limit)
            {
                kvs.Add(kv);
            }
        }
        return (kvs, count, limit > 0 && count > limit);
    }

    private static EtcdState? StepRange(EtcdState state, RangeRequest range, Response? response, StepTrace? trace)
    {
        if (response is null)
        {
            return state;
        }
        if (response is not RangeResponse observed)
        {
            return trace?.Fail($"a Range answered with {response.GetType().Name}");
        }
        if (range.Revision > state.Revision)
        {
            return trace?.Fail($"a Range at future revision {range.Revision} succeeded at {state}");
        }
        if (range.Revision > 0 && range.Revision < state.CompactRevision)
        {
            return trace?.Fail($"a Range at revision {range.Revision} succeeded after compaction at {state.CompactRevision}");
        }
        if (observed.Revision != state.Revision)
        {
            return trace?.Fail($"Range header revision {observed.Revision}, expected {state.Revision}");
        }
        if (range.Revision > 0 && range.Revision != state.Revision)
        {
            return state; // contents are checked against the replay, which knows every past revision
        }
        return MatchesRange(state, range.Key, range.RangeEnd, range.Limit, observed.Kvs, observed.Count, observed.More, trace) ? state : null;
    }

    /// <summary>Whether a range result equals what <paramref name="state"/> holds; on a mismatch, says why in the trace.</summary>
    public static bool MatchesRange(EtcdState state, string key, string? rangeEnd, long limit, IReadOnlyList<KeyValue> kvs, long count, bool more, StepTrace? trace)
    {
        var i = 0;
        long total = 0;
        foreach (var kv in state.Range(key, rangeEnd))
        {
            total++;
            if (limit > 0 && total > limit)
            {
                continue;
            }
            if (i >= kvs.Count || !kvs[i].Equals(kv))
            {
                var order = i >= kvs.Count ? 1 : string.CompareOrdinal(kvs[i].Key, kv.Key);
                trace?.Fail(order > 0
                    ? $"Range [{key}, {rangeEnd}) is missing {kv}"
                    : order < 0
                        ? $"Range [{key}, {rangeEnd}) returned {kvs[i]} which the state does not hold"
                        : $"Range [{key}, {rangeEnd}) returned {kvs[i]} where the state holds {kv}");
                return false;
            }
            i++;
        }
        if (i != kvs.Count)
        {
            trace?.Fail($"Range [{key}, {rangeEnd}) returned {kvs[i]} which the state does not hold");
            return false;
        }
        if (total != count || (limit > 0 && total > limit) != more)
        {
            trace?.Fail($"Range [{key}, {rangeEnd}) count {count} more {more}, expected count {total}");
            return false;
        }
        return true;
    }

    private static EtcdState? StepTxn(EtcdState state, TxnRequest txn, Response? response, StepTrace? trace)
    {
        var succeeded = true;
        foreach (var compare in txn.Compares)
        {
            if (!Holds(state, compare))
            {
                succeeded = false;
                break;
            }
        }
        if (response is TxnResponse observed && observed.Succeeded != succeeded)
        {
            return trace?.Fail($"Txn succeeded={observed.Succeeded} but its compares evaluate to {succeeded} at {state}");
        }
        return StepWrite(state, succeeded ? txn.Success : txn.Failure, response, trace, txn);
    }

    private static EtcdState? StepWrite(EtcdState state, IReadOnlyList<TxnOp> ops, Response? response, StepTrace? trace, Request request)
    {
        if (MissingLease(state, ops) is { } lease)
        {
            // The server refuses the whole request, so an unknown outcome changed nothing.
            return response is null ? state : trace?.Fail($"{OperationText.Describe(request)} succeeded with lease {lease:x} which does not exist at {state}");
        }
        IReadOnlyList<TxnOpResult>? results = null;
        long deleted = -1;
        switch (response)
        {
            case null:
                break;
            case TxnResponse txn when request is TxnRequest:
                if (txn.Results.Count != ops.Count)
                {
                    return trace?.Fail($"Txn returned {txn.Results.Count} results for {ops.Count} ops");
                }
                results = txn.Results;
                break;
            case PutResponse when request is PutRequest:
                break;
            case DeleteResponse d when request is DeleteRequest:
                deleted = d.Deleted;
                break;
            default:
                return trace?.Fail($"{request.GetType().Name} answered with {response.GetType().Name}");
        }

        var revision = state.Revision + 1;
        var next = state;
        var changed = false;
        for (var i = 0; i < ops.Count; i++)
        {
            var result = results?[i];
            switch (ops[i])
            {
                case TxnPut put:
                {
                    if (results is not null && result is not TxnPutResult)
                    {
                        return trace?.Fail($"Txn op {i} is a put but its result is {result?.GetType().Name}");
                    }
                    var found = next.Kvs.TryGetValue(put.Key, out var old);
                    var kv = new KeyValue(put.Key, put.Value, revision, found ? old!.CreateRevision : revision, found ? old!.Version + 1 : 1, put.Lease);
                    next = next.WithKv(kv);
                    changed = true;
                    trace?.Events?.Add(new WatchEvent(WatchEventType.Put, kv.Key, kv.Value, kv.ModRevision, kv.CreateRevision, kv.Version));
                    break;
                }
                case TxnDelete delete:
                {
                    var keys = next.Range(delete.Key, delete.RangeEnd).Select(kv => kv.Key).ToList();
                    if (results is not null && (result is not TxnDeleteResult d || d.Deleted != keys.Count))
                    {
                        return trace?.Fail($"Txn op {i} deleted {(result as TxnDeleteResult)?.Deleted.ToString() ?? result?.GetType().Name} keys, the state holds {keys.Count}");
                    }
                    if (deleted >= 0 && deleted != keys.Count)
                    {
                        return trace?.Fail($"Delete [{delete.Key}, {delete.RangeEnd}) deleted {deleted} keys, the state holds {keys.Count} at {state}");
                    }
                    foreach (var key in keys)
                    {
                        next = next.WithoutKey(key);
                        trace?.Events?.Add(new WatchEvent(WatchEventType.Delete, key, "", revision, 0, 0));
                    }
                    changed |= keys.Count > 0;
                    break;
                }
                case TxnRange range:
                {
                    if (results is null)
                    {
                        break;
                    }
                    if (result is not TxnRangeResult r)
                    {
                        return trace?.Fail($"Txn op {i} is a range but its result is {result?.GetType().Name}");
                    }
                    // A Txn's reads see the Txn's own earlier writes, at the revision those writes will get.
                    if (!MatchesRange(next, range.Key, range.RangeEnd, range.Limit, r.Kvs, r.Count, r.More, trace))
                    {
                        return null;
                    }
                    break;
                }
            }
        }
        next = changed ? next.WithRevision(revision) : state;
        if (response is not null && response.Revision != next.Revision)
        {
            return trace?.Fail($"{request.GetType().Name} header revision {response.Revision}, expected {next.Revision} after {state}");
        }
        return next;
    }

    private static long? MissingLease(EtcdState state, IReadOnlyList<TxnOp> ops)
    {
        foreach (var op in ops)
        {
            if (op is TxnPut { Lease: not 0 } put && !state.Leases.Contains(put.Lease))
            {
                return put.Lease;
            }
        }
        return null;
    }

    private static EtcdState? StepLeaseGrant(EtcdState state, LeaseGrantRequest grant, Response? response, StepTrace? trace)
    {
        switch (response)
        {
            case null:
                return grant.Id != 0 && !state.Leases.Contains(grant.Id) ? state.WithLease(grant.Id) : state;
            case LeaseGrantResponse granted:
                if (state.Leases.Contains(granted.Id))
                {
                    return trace?.Fail($"LeaseGrant returned lease {granted.Id:x} which already exists");
                }
                if (grant.Id != 0 && granted.Id != grant.Id)
                {
                    return trace?.Fail($"LeaseGrant asked for {grant.Id:x}, got {granted.Id:x}");
                }
                if (granted.Revision != state.Revision)
                {
                    return trace?.Fail($"LeaseGrant header revision {granted.Revision}, expected {state.Revision}");
                }
                return state.WithLease(granted.Id);
            default:
                return trace?.Fail($"LeaseGrant answered with {response.GetType().Name}");
        }
    }

    private static EtcdState? StepLeaseRevoke(EtcdState state, LeaseRevokeRequest revoke, Response? response, StepTrace? trace)
    {
        if (!state.Leases.Contains(revoke.Id))
        {
            return response is null ? state : trace?.Fail($"LeaseRevoke of {revoke.Id:x} succeeded but no such lease exists at {state}");
        }
        if (response is not null and not LeaseRevokeResponse)
        {
            return trace?.Fail($"LeaseRevoke answered with {response.GetType().Name}");
        }
        var revision = state.Revision + 1;
        var next = state.WithoutLease(revoke.Id);
        var attached = state.Kvs.Values.Where(kv => kv.Lease == revoke.Id).Select(kv => kv.Key).ToList();
        foreach (var key in attached)
        {
            next = next.WithoutKey(key);
            trace?.Events?.Add(new WatchEvent(WatchEventType.Delete, key, "", revision, 0, 0));
        }
        if (attached.Count > 0)
        {
            next = next.WithRevision(revision);
        }
        if (response is not null && response.Revision != next.Revision)
        {
            return trace?.Fail($"LeaseRevoke header revision {response.Revision}, expected {next.Revision}");
        }
        return next;
    }

    private static EtcdState? StepCompact(EtcdState state, CompactRequest compact, Response? response, StepTrace? trace)
    {
        var refused = compact.Revision <= state.CompactRevision || compact.Revision > state.Revision;
        if (response is null)
        {
            return refused ? state : state.WithCompactRevision(compact.Revision);
        }
        if (refused)
        {
            return trace?.Fail($"Compact at {compact.Revision} succeeded at {state}");
        }
        if (response is not CompactResponse)
        {
            return trace?.Fail($"Compact answered with {response.GetType().Name}");
        }
        if (response.Revision != state.Revision)
        {
            return trace?.Fail($"Compact header revision {response.Revision}, expected {state.Revision}");
        }
        return state.WithCompactRevision(compact.Revision);
    }

    private static EtcdState? StepError(EtcdState state, Request request, ErrorResponse error, StepTrace? trace)
    {
        var known = ModelErrors.Classify(error.Message);
        var expected = known switch
        {
            ModelErrors.Compacted => request switch
            {
                RangeRequest r => r.Revision > 0 && r.Revision < state.CompactRevision,
                CompactRequest c => c.Revision <= state.CompactRevision,
                _ => false,
            },
            ModelErrors.FutureRevision => request switch
            {
                RangeRequest r => r.Revision > state.Revision,
                CompactRequest c => c.Revision > state.Revision && c.Revision > state.CompactRevision,
                _ => false,
            },
            ModelErrors.LeaseNotFound => request switch
            {
                PutRequest p => p.Lease != 0 && !state.Leases.Contains(p.Lease),
                TxnRequest t => MissingLease(state, t.Compares.All(c => Holds(state, c)) ? t.Success : t.Failure) is not null,
                LeaseRevokeRequest r => !state.Leases.Contains(r.Id),
                _ => false,
            },
            ModelErrors.LeaseExists => request is LeaseGrantRequest g && g.Id != 0 && state.Leases.Contains(g.Id),
            // An error the model cannot predict (auth, too many requests, ...) was refused and changed nothing.
            _ => true,
        };
        return expected ? state : trace?.Fail($"{OperationText.Describe(request)} failed with \"{error.Message}\" which cannot happen at {state}");
    }
}
