using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Api.Mvccpb;
using EtcdNet.Storage;
using Google.Protobuf;

namespace EtcdNet.Mvcc;

public sealed partial class KvStore
{
    internal Backend Backend => _backend;

    internal KvStoreOptions Options => _options;

    internal void PublishRevision(long rev) => Volatile.Write(ref _currentRev, rev);

    /// <summary>
    /// Put, on the apply thread: one write transaction, one new revision. Throws <see cref="LeaseNotFoundException"/>
    /// for an unknown lease and <see cref="MissingKeyException"/> for ignore_value/ignore_lease on a missing key.
    /// </summary>
    public PutResponse Put(PutRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        CheckLease(request.Lease);
        _txn.Begin();
        try
        {
            return PutInTxn(request);
        }
        finally
        {
            _txn.End();
        }
    }

    /// <summary>DeleteRange, on the apply thread; deleting nothing does not move the revision.</summary>
    public DeleteRangeResponse DeleteRange(DeleteRangeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        _txn.Begin();
        try
        {
            return DeleteRangeInTxn(request);
        }
        finally
        {
            _txn.End();
        }
    }

    /// <summary>
    /// Txn, on the apply thread. All compares (nested ones included) are evaluated first against the state before
    /// the txn; then the chosen branches are checked (leases, ignore_* keys, range revisions) and, only if all
    /// checks pass, applied in order, each op seeing the earlier ones. One revision for the whole txn, if anything changed.
    /// </summary>
    public TxnResponse Txn(TxnRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        _txn.Begin();
        try
        {
            var path = new List<bool>();
            CompareToPath(request, path);
            int cursor = 0;
            CheckRequests(request, path, ref cursor, puts: true);
            cursor = 0;
            CheckRequests(request, path, ref cursor, puts: false);
            cursor = 0;
            TxnResponse resp = ApplyTxn(request, path, ref cursor);
            resp.Header.Revision = _txn.ReadRev;
            return resp;
        }
        finally
        {
            _txn.End();
        }
    }

    private PutResponse PutInTxn(PutRequest p)
    {
        var resp = new PutResponse { Header = new ResponseHeader() };
        KeyValue? prev = null;
        if (p.IgnoreValue || p.IgnoreLease || p.PrevKv)
        {
            prev = GetInTxn(p.Key);
        }
        if ((p.IgnoreValue || p.IgnoreLease) && prev is null)
        {
            throw new MissingKeyException();
        }
        ByteString value = p.IgnoreValue ? prev!.Value : p.Value;
        long lease = p.IgnoreLease ? prev!.Lease : p.Lease;
        if (p.PrevKv && prev is not null)
        {
            resp.PrevKv = prev;
        }
        resp.Header.Revision = _txn.Put(p.Key, value, lease);
        return resp;
    }

    private DeleteRangeResponse DeleteRangeInTxn(DeleteRangeRequest dr)
    {
        var resp = new DeleteRangeResponse { Header = new ResponseHeader() };
        ReadOnlyMemory<byte>? end = RangeEndOf(dr.RangeEnd);
        if (dr.PrevKv)
        {
            (List<KeyValue> kvs, _, _) = RangeKeys(_backend.BatchTx, dr.Key.Memory, end, 0, _txn.ReadRev, 0, countOnly: false);
            resp.PrevKvs.AddRange(kvs);
        }
        long deleted = _txn.DeleteRange(dr.Key.Memory, end);
        resp.Deleted = deleted;
        resp.Header.Revision = deleted != 0 || _txn.Changes.Count > 0 ? _txn.BeginRev + 1 : _txn.BeginRev;
        return resp;
    }

    private KeyValue? GetInTxn(ByteString key)
    {
        (List<KeyValue> kvs, _, _) = RangeKeys(_backend.BatchTx, key.Memory, null, 0, _txn.ReadRev, 0, countOnly: false);
        return kvs.Count > 0 ? kvs[0] : null;
    }

    private void CheckLease(long lease)
    {
        if (lease != 0 && !(_options.Leases?.Exists(lease) ?? false))
        {
            throw new LeaseNotFoundException(lease);
        }
    }

    /// <summary>Evaluates the compares of the txn and of the nested txns on the chosen branches, depth first.</summary>
    private void CompareToPath(TxnRequest rt, List<bool> path)
    {
        bool ok = true;
        foreach (Compare c in rt.Compare)
        {
            if (!ApplyCompare(c))
            {
                ok = false;
                break;
            }
        }
        path.Add(ok);
        foreach (RequestOp op in ok ? rt.Success : rt.Failure)
        {
            if (op.RequestCase == RequestOp.RequestOneofCase.RequestTxn)
            {
                CompareToPath(op.RequestTxn, path);
            }
        }
    }

    /// <summary>A compare holds when every key of its range satisfies it; a missing key compares as all zeros, except VALUE which fails.</summary>
    private bool ApplyCompare(Compare c)
    {
        long curRev = _txn.BeginRev;
        if (c.RangeEnd.IsEmpty && c.Target != Compare.Types.CompareTarget.Value)
        {
            // Fast path without a backend read: everything but the value is in the index.
            var probe = new KeyValue();
            if (_index.TryGet(c.Key.Memory, curRev, out Revision mod, out Revision created, out long version, out long lease))
            {
                probe.ModRevision = mod.Main;
                probe.CreateRevision = created.Main;
                probe.Version = version;
                probe.Lease = lease;
            }
            return CompareKv(c, probe);
        }
        List<KeyValue> kvs;
        try
        {
            (kvs, _, _) = RangeKeys(_backend.BatchTx, c.Key.Memory, RangeEndOf(c.RangeEnd), 0, curRev, 0, countOnly: false);
        }
        catch (MvccException)
        {
            return false;
        }
        if (kvs.Count == 0)
        {
            return c.Target != Compare.Types.CompareTarget.Value && CompareKv(c, new KeyValue());
        }
        foreach (KeyValue kv in kvs)
        {
            if (!CompareKv(c, kv))
            {
                return false;
            }
        }
        return true;
    }

    private static bool CompareKv(Compare c, KeyValue kv)
    {
        int result = c.Target switch
        {
            Compare.Types.CompareTarget.Value => kv.Value.Span.SequenceCompareTo(c.Value.Span),
            Compare.Types.CompareTarget.Create => kv.CreateRevision.CompareTo(c.CreateRevision),
            Compare.Types.CompareTarget.Mod => kv.ModRevision.CompareTo(c.ModRevision),
            Compare.Types.CompareTarget.Version => kv.Version.CompareTo(c.Version),
            Compare.Types.CompareTarget.Lease => kv.Lease.CompareTo(c.Lease),
            _ => 0,
        };
        return c.Result switch
        {
            Compare.Types.CompareResult.Equal => result == 0,
            Compare.Types.CompareResult.NotEqual => result != 0,
            Compare.Types.CompareResult.Greater => result > 0,
            Compare.Types.CompareResult.Less => result < 0,
            _ => true,
        };
    }

    /// <summary>
    /// etcd's checkRequests over the chosen branches: one pass for puts (ignore_* on a missing key, unknown lease),
    /// one for ranges (future or compacted revision). Both run against the state before the txn.
    /// </summary>
    private void CheckRequests(TxnRequest rt, List<bool> path, ref int cursor, bool puts)
    {
        bool ok = path[cursor++];
        long curRev = _txn.BeginRev;
        foreach (RequestOp op in ok ? rt.Success : rt.Failure)
        {
            switch (op.RequestCase)
            {
                case RequestOp.RequestOneofCase.RequestTxn:
                    CheckRequests(op.RequestTxn, path, ref cursor, puts);
                    break;
                case RequestOp.RequestOneofCase.RequestPut when puts:
                    PutRequest p = op.RequestPut;
                    if ((p.IgnoreValue || p.IgnoreLease) && !_index.TryGet(p.Key.Memory, curRev, out _, out _, out _, out _))
                    {
                        throw new MissingKeyException();
                    }
                    CheckLease(p.Lease);
                    break;
                case RequestOp.RequestOneofCase.RequestRange when !puts:
                    long rev = op.RequestRange.Revision;
                    if (rev > curRev)
                    {
                        throw new FutureRevisionException();
                    }
                    if (rev != 0 && rev < Volatile.Read(ref _compactMainRev))
                    {
                        throw new CompactedException();
                    }
                    break;
            }
        }
    }

    /// <summary>Applies the chosen branch in order; nested txn responses keep an empty header, as etcd's.</summary>
    private TxnResponse ApplyTxn(TxnRequest rt, List<bool> path, ref int cursor)
    {
        bool ok = path[cursor++];
        var resp = new TxnResponse { Succeeded = ok, Header = new ResponseHeader() };
        foreach (RequestOp op in ok ? rt.Success : rt.Failure)
        {
            var r = new ResponseOp();
            switch (op.RequestCase)
            {
                case RequestOp.RequestOneofCase.RequestRange:
                    r.ResponseRange = RangeResponseOf(_backend.BatchTx, op.RequestRange, _txn.ReadRev);
                    break;
                case RequestOp.RequestOneofCase.RequestPut:
                    r.ResponsePut = PutInTxn(op.RequestPut);
                    break;
                case RequestOp.RequestOneofCase.RequestDeleteRange:
                    r.ResponseDeleteRange = DeleteRangeInTxn(op.RequestDeleteRange);
                    break;
                case RequestOp.RequestOneofCase.RequestTxn:
                    r.ResponseTxn = ApplyTxn(op.RequestTxn, path, ref cursor);
                    break;
            }
            resp.Responses.Add(r);
        }
        return resp;
    }
}
