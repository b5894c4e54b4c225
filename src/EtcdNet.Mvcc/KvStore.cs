using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Storage;

namespace EtcdNet.Mvcc;

/// <summary>The multi-version key-value store (etcd's mvcc store): revisions, key index, txn, compaction.</summary>
public sealed partial class KvStore : IDisposable
{
    /// <summary>Opens the store over a backend, rebuilding the index from it.</summary>
    public KvStore(Backend backend, KvStoreOptions? options = null) => throw new NotImplementedException();

    /// <summary>Revision of the last write transaction (1 for an empty store).</summary>
    public long CurrentRevision => throw new NotImplementedException();

    /// <summary>Revision of the last compaction; 0 when never compacted.</summary>
    public long CompactRevision => throw new NotImplementedException();

    /// <summary>Last applied raft index, persisted in meta with the data.</summary>
    public ulong ConsistentIndex => throw new NotImplementedException();

    /// <summary>Range from any thread.</summary>
    public RangeResponse Range(RangeRequest request) => throw new NotImplementedException();

    /// <summary>Put on the apply thread.</summary>
    public PutResponse Put(PutRequest request) => throw new NotImplementedException();

    /// <summary>DeleteRange on the apply thread.</summary>
    public DeleteRangeResponse DeleteRange(DeleteRangeRequest request) => throw new NotImplementedException();

    /// <summary>Txn on the apply thread.</summary>
    public TxnResponse Txn(TxnRequest request) => throw new NotImplementedException();

    /// <summary>Schedules a compaction.</summary>
    public Task Compact(long revision) => throw new NotImplementedException();

    /// <summary>Records the raft index being applied.</summary>
    public void SetConsistentIndex(ulong index) => throw new NotImplementedException();

    /// <summary>Durable commit.</summary>
    public void Commit() => throw new NotImplementedException();

    /// <inheritdoc />
    public void Dispose() => throw new NotImplementedException();
}
