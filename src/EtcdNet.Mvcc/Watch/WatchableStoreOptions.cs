namespace EtcdNet.Mvcc.Watch;

/// <summary>Tuning of a <see cref="WatchableStore"/>; the defaults are etcd's.</summary>
public sealed class WatchableStoreOptions
{
    /// <summary>Base bound of a stream's queue in items (etcd's chanBufLen, 128); each watcher adds two.</summary>
    public int StreamBufferLength { get; set; } = 128;

    /// <summary>Unsynced watchers caught up per round (etcd's maxWatchersPerSync, 512).</summary>
    public int MaxWatchersPerSync { get; set; } = 512;

    /// <summary>Distinct revisions sent to one catching-up watcher at a time (etcd's watchBatchMaxRevs, 1000).</summary>
    public int MaxRevisionsPerBatch { get; set; } = 1000;

    /// <summary>Backend rows read per catch-up round, so a watcher far behind never loads all history at once.</summary>
    public int HistoryRowsPerRead { get; set; } = 10_000;

    /// <summary>How often the sync loop looks at unsynced watchers when nothing wakes it (etcd: 100 ms).</summary>
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often victims are retried (etcd: 10 ms).</summary>
    public TimeSpan VictimRetryInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Idle time after which a progress_notify watcher gets a progress notice (etcd: 10 min,
    /// --experimental-watch-progress-notify-interval). Zero or less turns the notices off.
    /// </summary>
    public TimeSpan ProgressNotifyInterval { get; set; } = TimeSpan.FromMinutes(10);
}
