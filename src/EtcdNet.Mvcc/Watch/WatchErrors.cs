namespace EtcdNet.Mvcc.Watch;

/// <summary>etcd's mvcc watch errors; they reach clients as a created-and-canceled response's cancel_reason.</summary>
public static class WatchErrors
{
    /// <summary>The range end is not after the key (etcd's ErrEmptyWatcherRange); also a create on a closed stream.</summary>
    public const string EmptyWatcherRange = "mvcc: watcher range is empty";

    /// <summary>The client chose an id already in use on the stream (etcd's ErrWatcherDuplicateID).</summary>
    public const string DuplicateWatchId = "mvcc: duplicate watch ID provided on the WatchStream";

    /// <summary>Cancel of an id the stream does not have (etcd's ErrWatcherNotExist).</summary>
    public const string WatcherNotExist = "mvcc: watcher does not exist";

    /// <summary>The reason given when a watcher's start revision is compacted.</summary>
    public const string Compacted = CompactedException.ErrorMessage;
}
