using System.Threading.Channels;

namespace EtcdNet.Mvcc.Watch;

/// <summary>
/// A client's set of watchers sharing one outgoing queue (etcd's mvcc watchStream). The store queues into it
/// without ever waiting: event items count against a bound (etcd's 128-entry channel, widened by the number of
/// watchers so that one event for every watcher of a busy stream fits), and a watcher whose items do not fit becomes
/// a victim instead of holding up the writer. Control answers (created, canceled, compacted, progress on request)
/// are never refused. One consumer reads with <see cref="WaitToReadAsync"/> and <see cref="TryRead"/> (closing drains
/// what is left, so a consumer that is still stopping may race it harmlessly).
/// </summary>
public sealed class WatchStream : IDisposable
{
    private readonly WatchableStore _store;
    private readonly Channel<WatchUpdate> _queue =
        Channel.CreateUnbounded<WatchUpdate>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });

    // Event items queued and not yet read; compared with the bound by the store (under its lock) and lowered by the reader.
    private int _queuedItems;

    internal WatchStream(WatchableStore store) => _store = store;

    /// <summary>The store's current revision, as watch answers report it.</summary>
    public long Revision => _store.Revision;

    /// <summary>Watchers by id; guarded by the store's lock.</summary>
    internal Dictionary<long, Watcher> Watchers { get; } = [];

    /// <summary>Next id to try for a server-chosen id; guarded by the store's lock.</summary>
    internal long NextId { get; set; }

    /// <summary>Set once closed; guarded by the store's lock.</summary>
    internal bool Closed { get; set; }

    /// <summary>
    /// Creates a watcher and queues its created answer ahead of any event for it. Returns the watch id, or -1 after
    /// queueing a created-and-canceled answer with etcd's reason (range empty, duplicate id) or when the stream is closed.
    /// </summary>
    public long Watch(WatcherSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return _store.Watch(this, spec);
    }

    /// <summary>Cancels a watcher and queues its canceled answer; false (and nothing queued) when the id is unknown.</summary>
    public bool Cancel(long id) => _store.Cancel(this, id);

    /// <summary>
    /// Queues a progress answer (watch id -1, the current revision) as soon as every watcher of the stream has been
    /// sent everything up to that revision: at once if all are synced, else when the last one catches up.
    /// </summary>
    public void RequestProgress() => _store.RequestProgressAll(this);

    /// <summary>Waits until an item can be read; false once the stream is closed and drained.</summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken ct = default) => _queue.Reader.WaitToReadAsync(ct);

    /// <summary>Takes the next item, if any.</summary>
    public bool TryRead(out WatchUpdate update)
    {
        if (!_queue.Reader.TryRead(out update!))
        {
            return false;
        }
        if (update.Bounded)
        {
            Interlocked.Decrement(ref _queuedItems);
            _store.OnDequeued(update.Events.Count);
        }
        return true;
    }

    /// <summary>Cancels every watcher and ends the queue (etcd's Close). Items still queued are dropped.</summary>
    public void Dispose()
    {
        _store.Close(this);
        while (TryRead(out _))
        {
        }
    }

    /// <summary>Queues an event or progress item unless the bound is reached; the caller holds the store's lock.</summary>
    internal bool TryEnqueue(WatchUpdate update, int events)
    {
        if (Closed || Volatile.Read(ref _queuedItems) >= _store.Options.StreamBufferLength + Watchers.Count * 2)
        {
            return false;
        }
        update.Bounded = true;
        Interlocked.Increment(ref _queuedItems);
        _store.OnEnqueued(events);
        _queue.Writer.TryWrite(update);
        return true;
    }

    /// <summary>Queues a control answer regardless of the bound; the caller holds the store's lock.</summary>
    internal void EnqueueControl(WatchUpdate update)
    {
        if (!Closed)
        {
            _queue.Writer.TryWrite(update);
        }
    }

    /// <summary>Ends the queue; the caller holds the store's lock and has detached every watcher.</summary>
    internal void CompleteQueue() => _queue.Writer.TryComplete();
}
