using EtcdNet.Api.Mvccpb;
using EtcdNet.Storage;
using EtcdNet.Storage.Schema;
using Google.Protobuf;

namespace EtcdNet.Mvcc;

/// <summary>
/// One write transaction of the apply thread (etcd's storeTxnWrite): every change gets revision
/// (begin + 1, n) for the n-th change, and the store's revision moves only at <see cref="End"/>, only when
/// something changed. Holds the backend's batch lock from begin to end so no automatic commit splits it.
/// One instance is reused for every transaction.
/// </summary>
internal sealed class TxnWrite
{
    private readonly KvStore _store;
    private readonly List<KeyValue> _changes = [];
    private BatchTx.Scope _scope;
    private bool _open;

    public TxnWrite(KvStore store) => _store = store;

    /// <summary>Revision the transaction started from.</summary>
    public long BeginRev { get; private set; }

    /// <summary>Changes so far, in order.</summary>
    public IReadOnlyList<KeyValue> Changes => _changes;

    /// <summary>The revision reads inside the transaction see: the new one once something changed.</summary>
    public long ReadRev => _changes.Count > 0 ? BeginRev + 1 : BeginRev;

    public void Begin()
    {
        if (_open)
        {
            throw new InvalidOperationException("write transactions do not nest; only the apply thread writes");
        }
        _scope = _store.Backend.BatchTx.Lock();
        _open = true;
        BeginRev = _store.CurrentRevision;
        _changes.Clear();
    }

    /// <summary>Writes a new version of the key; returns the revision it gets.</summary>
    public long Put(ByteString key, ByteString value, long lease)
    {
        long rev = BeginRev + 1;
        long created = rev;
        long version = 0;
        long oldLease = 0;
        if (_store.Index.TryGet(key.Memory, rev, out _, out Revision c, out long ver, out long l))
        {
            created = c.Main;
            version = ver;
            oldLease = l;
        }
        var idxRev = new Revision(rev, _changes.Count);
        var kv = new KeyValue
        {
            Key = key,
            Value = value,
            CreateRevision = created,
            ModRevision = rev,
            Version = version + 1,
            Lease = lease,
        };
        _store.Backend.BatchTx.Put(Buckets.Key, idxRev.ToBytes(), kv.ToByteArray());
        _store.Index.Put(key.Memory, idxRev, lease);
        _changes.Add(kv);

        ILeaseChecker? leases = _store.Options.Leases;
        if (leases is not null)
        {
            if (oldLease != 0)
            {
                leases.Detach(oldLease, key.Memory);
            }
            if (lease != 0)
            {
                leases.Attach(lease, key.Memory);
            }
        }
        return rev;
    }

    /// <summary>Deletes every live key of the range; returns how many.</summary>
    public long DeleteRange(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte>? end)
    {
        var revs = new List<Revision>();
        var keys = new List<ReadOnlyMemory<byte>>();
        _store.Index.Revisions(key, end, ReadRev, revs, keys);
        foreach (ReadOnlyMemory<byte> k in keys)
        {
            Delete(k);
        }
        return keys.Count;
    }

    /// <summary>Publishes the revision (when anything changed) and tells the observer.</summary>
    public void End()
    {
        if (!_open)
        {
            return;
        }
        long rev = BeginRev + 1;
        bool changed = _changes.Count > 0;
        try
        {
            if (changed)
            {
                _store.SaveConsistentIndexLocked();
                _store.PublishRevision(rev);
            }
        }
        finally
        {
            _open = false;
            _scope.Dispose();
        }
        if (changed && _store.Options.Observer is { } observer)
        {
            var events = new Event[_changes.Count];
            for (int i = 0; i < events.Length; i++)
            {
                KeyValue kv = _changes[i];
                if (kv.CreateRevision == 0)
                {
                    // Tombstones are stored with the key only; the event reports when the delete happened.
                    kv.ModRevision = rev;
                    events[i] = new Event { Type = Event.Types.EventType.Delete, Kv = kv };
                }
                else
                {
                    events[i] = new Event { Type = Event.Types.EventType.Put, Kv = kv };
                }
            }
            observer.OnCommitted(rev, events);
        }
    }

    private void Delete(ReadOnlyMemory<byte> key)
    {
        var idxRev = new Revision(BeginRev + 1, _changes.Count);
        // The index owns these bytes and never changes them, so wrapping instead of copying is safe.
        var kv = new KeyValue { Key = UnsafeByteOperations.UnsafeWrap(key) };
        _store.Backend.BatchTx.Put(Buckets.Key, idxRev.ToBytes(tombstone: true), kv.ToByteArray());
        if (!_store.Index.Tombstone(key, idxRev, out long lease))
        {
            throw new InvalidOperationException("mvcc: cannot tombstone a key that is not live");
        }
        _changes.Add(kv);
        if (lease != 0)
        {
            _store.Options.Leases?.Detach(lease, key);
        }
    }
}
