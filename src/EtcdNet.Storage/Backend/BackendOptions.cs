namespace EtcdNet.Storage;

/// <summary>Tuning of the backend: batching of writes into SQLite transactions, and the read connection pool.</summary>
public sealed class BackendOptions
{
    /// <summary>
    /// Pending writes are committed on their own after this long (etcd's --backend-batch-interval, 100 ms).
    /// <see cref="TimeSpan.Zero"/> turns the timer off; writes are then committed only by Commit() or the limit.
    /// </summary>
    public TimeSpan BatchInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Pending writes are committed once this many are buffered (etcd's --backend-batch-limit, 10000). 0 = no limit.</summary>
    public int BatchLimit { get; set; } = 10000;

    /// <summary>
    /// fsync on every commit (SQLite synchronous=FULL). Off only for tests and benchmarks that accept losing
    /// the last commits on power loss (a killed process still loses nothing in WAL mode).
    /// </summary>
    public bool Fsync { get; set; } = true;

    /// <summary>Read connections kept open for reuse; more are opened under load and closed when returned.</summary>
    public int MaxIdleReaders { get; set; } = Math.Max(4, Environment.ProcessorCount * 2);

    /// <summary>Called with the duration of each non-empty commit (etcd_disk_backend_commit_duration_seconds).</summary>
    public Action<TimeSpan>? CommitObserved { get; set; }

    /// <summary>SQLite page cache per connection, in KiB.</summary>
    public int CacheSizeKiB { get; set; } = 32 * 1024;
}
