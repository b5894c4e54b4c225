using EtcdNet.Api.Mvccpb;

namespace EtcdNet.Mvcc.Watch;

/// <summary>
/// The watchable store (etcd's watchableStore): watchers over a <see cref="KvStore"/>, fed by its
/// <see cref="IKvObserver"/> events. Watchers live in one of three places:
/// <list type="bullet">
/// <item><b>synced</b>: they have been sent every revision up to the last notified one; each applied write is
/// matched against them and queued to their streams on the apply thread, which never waits (a full stream
/// queue makes the watcher a victim instead).</item>
/// <item><b>unsynced</b>: they need history; a background loop reads it from the backend in revision order, in
/// batches that never split a revision, and moves them to synced once they reach the last notified revision.
/// A watcher whose next revision was compacted gets a compacted notice and is removed.</item>
/// <item><b>victims</b>: their batch did not fit in the stream's queue; the loop retries it, then moves them to
/// unsynced (to catch up from the backend) or synced.</item>
/// </list>
/// One lock guards the groups, the streams' watcher maps and every queueing decision, so for each watcher
/// created, events, progress and canceled are queued in revision order and exactly once.
/// </summary>
public sealed partial class WatchableStore : IKvObserver, IDisposable
{
    private readonly KvStore _kv;
    private readonly Lock _lock = new();
    private readonly WatcherGroup _synced = new();
    private readonly WatcherGroup _unsynced = new();
    private readonly HashSet<Watcher> _victims = [];
    private readonly HashSet<WatchStream> _progressDeferred = [];
    private readonly List<HashSet<Watcher>> _matchScratch = [];
    private readonly List<Watcher> _victimScratch = [];
    private readonly Dictionary<Watcher, List<Event>> _notifyScratch = [];
    private readonly ITimer? _progressTimer;

    // The last revision handed to OnCommitted: a watcher is synced relative to this, never to the kv store's
    // published revision, which runs ahead of notification for the length of one txn's End.
    private long _rev;

    private int _streamCount;
    private int _watcherCount;
    private int _slowWatcherCount;
    private long _pendingEventCount;

    /// <summary>
    /// Creates the store over <paramref name="kv"/> and starts its sync loop. Make it the kv store's observer
    /// (<see cref="KvStoreOptions.Observer"/>) before the first write is applied.
    /// </summary>
    public WatchableStore(KvStore kv, WatchableStoreOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(kv);
        _kv = kv;
        Options = options ?? new WatchableStoreOptions();
        _rev = kv.CurrentRevision;
        _loop = Task.Factory.StartNew(RunLoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        if (Options.ProgressNotifyInterval > TimeSpan.Zero)
        {
            TimeSpan interval = Options.ProgressNotifyInterval;
            _progressTimer = (time ?? TimeProvider.System).CreateTimer(_ => ProgressTick(), null, interval, interval);
        }
    }

    /// <summary>The options in force.</summary>
    public WatchableStoreOptions Options { get; }

    /// <summary>The last revision the store has notified watchers of.</summary>
    public long Revision => Volatile.Read(ref _rev);

    /// <summary>Open watch streams (etcd's watch_stream_total gauge).</summary>
    public int WatchStreamCount => Volatile.Read(ref _streamCount);

    /// <summary>Watchers in any group (etcd's watcher_total gauge).</summary>
    public int WatcherCount => Volatile.Read(ref _watcherCount);

    /// <summary>Unsynced and victim watchers (etcd's slow_watcher_total gauge).</summary>
    public int SlowWatcherCount => Volatile.Read(ref _slowWatcherCount);

    /// <summary>Events queued to streams and not yet taken by their consumers (etcd's pending_events_total).</summary>
    public long PendingEventCount => Interlocked.Read(ref _pendingEventCount);

    /// <summary>Opens a stream for one client.</summary>
    public WatchStream NewWatchStream()
    {
        Interlocked.Increment(ref _streamCount);
        return new WatchStream(this);
    }

    /// <summary>
    /// The write path (apply thread): queues the events of <paramref name="revision"/> to every synced watcher
    /// whose range holds them, each watcher getting all of its events of the revision in one item.
    /// </summary>
    public void OnCommitted(long revision, IReadOnlyList<Event> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        lock (_lock)
        {
            Volatile.Write(ref _rev, revision);
            if (_synced.Count == 0)
            {
                return;
            }
            if (events.Count == 1)
            {
                // The common case: one change, so every matching watcher can share the one events list.
                _matchScratch.Clear();
                _synced.Covering(events[0].Kv.Key.Span, _matchScratch);
                foreach (HashSet<Watcher> set in _matchScratch)
                {
                    foreach (Watcher w in set)
                    {
                        if (revision >= w.MinRev)
                        {
                            Deliver(w, revision, events);
                        }
                    }
                }
            }
            else
            {
                foreach (Event e in events)
                {
                    _matchScratch.Clear();
                    _synced.Covering(e.Kv.Key.Span, _matchScratch);
                    foreach (HashSet<Watcher> set in _matchScratch)
                    {
                        foreach (Watcher w in set)
                        {
                            if (revision < w.MinRev)
                            {
                                continue;
                            }
                            if (!_notifyScratch.TryGetValue(w, out List<Event>? mine))
                            {
                                mine = [];
                                _notifyScratch.Add(w, mine);
                            }
                            mine.Add(e);
                        }
                    }
                }
                foreach ((Watcher w, List<Event> mine) in _notifyScratch)
                {
                    Deliver(w, revision, mine);
                }
                _notifyScratch.Clear();
            }
            // Victims leave the synced group only now: the group was being iterated above.
            foreach (Watcher w in _victimScratch)
            {
                _synced.Remove(w);
                BecomeVictim(w);
            }
            _victimScratch.Clear();
        }
    }

    /// <summary>
    /// Call after the kv store's contents were replaced wholesale (a leader's snapshot installed; etcd's Restore):
    /// every synced watcher goes back to unsynced and catches up from the new backend. One whose next revision is
    /// past the restored store's simply waits there for new writes.
    /// </summary>
    public void OnRestored()
    {
        lock (_lock)
        {
            Volatile.Write(ref _rev, _kv.CurrentRevision);
            foreach (Watcher w in _synced.All)
            {
                w.State = WatcherState.Unsynced;
                _unsynced.Add(w);
                _slowWatcherCount++;
            }
            _synced.Clear();
            Kick();
        }
    }

    /// <summary>Stops the background loop and the progress timer. Streams are closed by their owners.</summary>
    public void Dispose()
    {
        _progressTimer?.Dispose();
        _stop.Cancel();
        try
        {
            _loop.Wait();
        }
        catch (AggregateException)
        {
            // The loop ends by cancellation.
        }
        _stop.Dispose();
        _kick.Dispose();
    }

    internal long Watch(WatchStream stream, WatcherSpec spec)
    {
        if (spec.End is { Length: > 0 } end && spec.Key.AsSpan().SequenceCompareTo(end) >= 0)
        {
            lock (_lock)
            {
                stream.EnqueueControl(Refused(WatchErrors.EmptyWatcherRange));
            }
            return -1;
        }
        lock (_lock)
        {
            if (stream.Closed)
            {
                return -1;
            }
            long id = spec.Id;
            if (id == 0)
            {
                while (stream.Watchers.ContainsKey(stream.NextId))
                {
                    stream.NextId++;
                }
                id = stream.NextId++;
            }
            else if (stream.Watchers.ContainsKey(id))
            {
                stream.EnqueueControl(Refused(WatchErrors.DuplicateWatchId));
                return -1;
            }

            var w = new Watcher(id, spec, stream);
            // The created answer goes first so that no event can overtake it.
            stream.EnqueueControl(new WatchUpdate(WatchUpdateKind.Created, id, _rev, [], w));
            stream.Watchers.Add(id, w);
            _watcherCount++;
            long start = spec.StartRevision;
            if (start == 0 || start > _rev)
            {
                w.MinRev = Math.Max(_rev + 1, start);
                w.State = WatcherState.Synced;
                _synced.Add(w);
            }
            else
            {
                w.MinRev = start;
                w.State = WatcherState.Unsynced;
                _unsynced.Add(w);
                _slowWatcherCount++;
                Kick();
            }
            return id;
        }
    }

    internal bool Cancel(WatchStream stream, long id)
    {
        lock (_lock)
        {
            if (stream.Closed || !stream.Watchers.Remove(id, out Watcher? w))
            {
                return false;
            }
            Detach(w);
            stream.EnqueueControl(new WatchUpdate(WatchUpdateKind.Canceled, id, _rev, [], w));
            CheckDeferredProgress();
            return true;
        }
    }

    internal void Close(WatchStream stream)
    {
        lock (_lock)
        {
            if (stream.Closed)
            {
                return;
            }
            foreach (Watcher w in stream.Watchers.Values)
            {
                Detach(w);
            }
            stream.Watchers.Clear();
            stream.Closed = true;
            _progressDeferred.Remove(stream);
            stream.CompleteQueue();
            Interlocked.Decrement(ref _streamCount);
        }
    }

    internal void RequestProgressAll(WatchStream stream)
    {
        lock (_lock)
        {
            if (stream.Closed)
            {
                return;
            }
            if (AllSynced(stream))
            {
                stream.EnqueueControl(new WatchUpdate(WatchUpdateKind.Progress, -1, _rev, [], null));
            }
            else
            {
                _progressDeferred.Add(stream);
            }
        }
    }

    internal void OnEnqueued(int events) => Interlocked.Add(ref _pendingEventCount, events);

    internal void OnDequeued(int events) => Interlocked.Add(ref _pendingEventCount, -events);

    private static WatchUpdate Refused(string reason) =>
        new(WatchUpdateKind.Created, -1, 0, [], null) { CancelReason = reason };

    /// <summary>Queues a live notification, or marks the watcher to become a victim once iteration ends.</summary>
    private void Deliver(Watcher w, long revision, IReadOnlyList<Event> events)
    {
        if (w.TrySendEvents(revision, events))
        {
            w.MinRev = revision + 1;
            return;
        }
        w.VictimEvents = events;
        w.VictimRevision = revision;
        w.MinRev = revision + 1;
        _victimScratch.Add(w);
    }

    /// <summary>Parks a watcher (already out of its group) with its undelivered batch.</summary>
    private void BecomeVictim(Watcher w)
    {
        if (w.State == WatcherState.Synced)
        {
            _slowWatcherCount++;
        }
        w.State = WatcherState.Victim;
        _victims.Add(w);
        Kick();
    }

    /// <summary>Takes a watcher out of whatever group holds it; it sends nothing afterwards.</summary>
    private void Detach(Watcher w)
    {
        switch (w.State)
        {
            case WatcherState.Synced:
                _synced.Remove(w);
                _watcherCount--;
                break;
            case WatcherState.Unsynced:
                _unsynced.Remove(w);
                _watcherCount--;
                _slowWatcherCount--;
                break;
            case WatcherState.Victim:
                _victims.Remove(w);
                w.VictimEvents = null;
                _watcherCount--;
                _slowWatcherCount--;
                break;
        }
        w.State = WatcherState.Canceled;
    }

    private static bool AllSynced(WatchStream stream)
    {
        foreach (Watcher w in stream.Watchers.Values)
        {
            if (w.State is WatcherState.Unsynced or WatcherState.Victim)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Answers deferred progress requests of streams whose watchers have all caught up; under the lock.</summary>
    private void CheckDeferredProgress()
    {
        if (_progressDeferred.Count == 0)
        {
            return;
        }
        List<WatchStream>? done = null;
        foreach (WatchStream stream in _progressDeferred)
        {
            if (AllSynced(stream))
            {
                stream.EnqueueControl(new WatchUpdate(WatchUpdateKind.Progress, -1, _rev, [], null));
                (done ??= []).Add(stream);
            }
        }
        if (done is not null)
        {
            foreach (WatchStream stream in done)
            {
                _progressDeferred.Remove(stream);
            }
        }
    }

    /// <summary>
    /// The progress_notify tick: a synced watcher that was sent nothing since the last tick gets a notice with the
    /// current revision (it has seen everything up to it); busy ones are skipped, as etcd elides them.
    /// </summary>
    private void ProgressTick()
    {
        lock (_lock)
        {
            foreach (Watcher w in _synced.All)
            {
                if (!w.ProgressNotify)
                {
                    continue;
                }
                if (!w.SentSinceTick)
                {
                    w.TrySendProgress(_rev);
                }
                w.SentSinceTick = false;
            }
        }
    }
}
