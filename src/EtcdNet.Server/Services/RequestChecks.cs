using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Server.Errors;
using Google.Protobuf;

namespace EtcdNet.Server.Services;

/// <summary>
/// Validation etcd performs before a request reaches raft (v3rpc's check functions): a request that fails
/// here is answered at once and changes nothing.
/// </summary>
public static class RequestChecks
{
    public static void CheckRange(RangeRequest r)
    {
        if (r.Key.IsEmpty) throw EtcdErrors.EmptyKey.ToException();
    }

    public static void CheckPut(PutRequest r)
    {
        if (r.Key.IsEmpty) throw EtcdErrors.EmptyKey.ToException();
        if (r.IgnoreValue && !r.Value.IsEmpty) throw EtcdErrors.ValueProvided.ToException();
        if (r.IgnoreLease && r.Lease != 0) throw EtcdErrors.LeaseProvided.ToException();
    }

    public static void CheckDeleteRange(DeleteRangeRequest r)
    {
        if (r.Key.IsEmpty) throw EtcdErrors.EmptyKey.ToException();
    }

    /// <summary>Op counts, empty keys and overlapping writes, checked in etcd's order.</summary>
    public static void CheckTxn(TxnRequest r, int maxTxnOps)
    {
        CheckTxnShape(r, maxTxnOps);
        // Overlaps are checked after the shape so a huge request cannot make this quadratic.
        CollectWrites(r.Success);
        CollectWrites(r.Failure);
    }

    private static void CheckTxnShape(TxnRequest r, int maxTxnOps)
    {
        var ops = Math.Max(r.Compare.Count, Math.Max(r.Success.Count, r.Failure.Count));
        if (ops > maxTxnOps) throw EtcdErrors.TooManyOps.ToException();
        foreach (var c in r.Compare)
        {
            if (c.Key.IsEmpty) throw EtcdErrors.EmptyKey.ToException();
        }
        // Nested txns share the op budget that this level left over, as etcd counts it.
        foreach (var op in r.Success) CheckOp(op, maxTxnOps - ops);
        foreach (var op in r.Failure) CheckOp(op, maxTxnOps - ops);
    }

    private static void CheckOp(RequestOp op, int maxTxnOps)
    {
        switch (op.RequestCase)
        {
            case RequestOp.RequestOneofCase.RequestRange: CheckRange(op.RequestRange); break;
            case RequestOp.RequestOneofCase.RequestPut: CheckPut(op.RequestPut); break;
            case RequestOp.RequestOneofCase.RequestDeleteRange: CheckDeleteRange(op.RequestDeleteRange); break;
            case RequestOp.RequestOneofCase.RequestTxn: CheckTxnShape(op.RequestTxn, maxTxnOps); break;
            default: throw EtcdErrors.KeyNotFound.ToException(); // an empty op, as etcd answers it
        }
    }

    /// <summary>
    /// The keys put and the ranges deleted by one branch, including nested txns; a key written twice, or put
    /// and deleted, is a duplicate. A put in a nested then-branch may repeat one in its else-branch: only one runs.
    /// </summary>
    private static (HashSet<ByteString> Puts, List<KeyInterval> Deletes) CollectWrites(IEnumerable<RequestOp> ops)
    {
        var deletes = new List<KeyInterval>();
        foreach (var op in ops)
        {
            if (op.RequestCase == RequestOp.RequestOneofCase.RequestDeleteRange)
            {
                deletes.Add(new KeyInterval(op.RequestDeleteRange.Key, op.RequestDeleteRange.RangeEnd));
            }
        }

        var puts = new HashSet<ByteString>();
        foreach (var op in ops)
        {
            if (op.RequestCase != RequestOp.RequestOneofCase.RequestTxn) continue;
            var (thenPuts, thenDeletes) = CollectWrites(op.RequestTxn.Success);
            var (elsePuts, elseDeletes) = CollectWrites(op.RequestTxn.Failure);
            foreach (var key in thenPuts)
            {
                if (puts.Contains(key) || Intersects(deletes, key)) throw EtcdErrors.DuplicateKey.ToException();
                puts.Add(key);
            }
            foreach (var key in elsePuts)
            {
                if ((puts.Contains(key) && !thenPuts.Contains(key)) || Intersects(deletes, key))
                {
                    throw EtcdErrors.DuplicateKey.ToException();
                }
                puts.Add(key);
            }
            deletes.AddRange(thenDeletes);
            deletes.AddRange(elseDeletes);
        }

        foreach (var op in ops)
        {
            if (op.RequestCase != RequestOp.RequestOneofCase.RequestPut) continue;
            var key = op.RequestPut.Key;
            if (puts.Contains(key) || Intersects(deletes, key)) throw EtcdErrors.DuplicateKey.ToException();
            puts.Add(key);
        }
        return (puts, deletes);
    }

    private static bool Intersects(List<KeyInterval> deletes, ByteString key)
    {
        foreach (var d in deletes)
        {
            if (d.Contains(key)) return true;
        }
        return false;
    }

    /// <summary>A deleted key, or the range [Key, End) when End is set (compared bytewise, as etcd's interval tree).</summary>
    private readonly record struct KeyInterval(ByteString Key, ByteString End)
    {
        public bool Contains(ByteString k)
        {
            if (End.IsEmpty) return k.Equals(Key);
            return k.Span.SequenceCompareTo(Key.Span) >= 0 && k.Span.SequenceCompareTo(End.Span) < 0;
        }
    }
}
