namespace EtcdNet.Mvcc;

/// <summary>Collaborators and tuning of a <see cref="KvStore"/>.</summary>
public sealed class KvStoreOptions
{
    /// <summary>The lessor port; when null, any put with a lease fails with <see cref="LeaseNotFoundException"/>.</summary>
    public ILeaseChecker? Leases { get; set; }

    /// <summary>Receives committed events (Watch).</summary>
    public IKvObserver? Observer { get; set; }

    /// <summary>Revisions examined per compaction batch (etcd's --experimental-compaction-batch-limit, 1000).</summary>
    public int CompactionBatchLimit { get; set; } = 1000;
}
