using EtcdNet.Api.Mvccpb;
using EtcdNet.Storage;
using EtcdNet.Storage.Schema;

namespace EtcdNet.Mvcc.Watch;

public sealed partial class WatchableStore
{
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _kick = new(0, 1);
    private readonly Task _loop;

    /// <summary>Wakes the loop (a watcher needs history, or became a victim).</summary>
    private void Kick()
    {
        if (_kick.CurrentCount == 0)
        {
            try
            {
                _kick.Release();
            }
            catch (SemaphoreFullException)
            {
                // Someone else woke it first.
            }
        }
    }

    /// <summary>
    /// The background loop (etcd's syncWatchersLoop and syncVictimsLoop in one): retries victims, catches
    /// unsynced watchers up, and sleeps until kicked or until victims (10 ms) or unsynced watchers (100 ms) need
    /// another look. While a round makes progress on a long backlog, the next starts at once.
    /// </summary>
    private async Task RunLoopAsync()
    {
        CancellationToken stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            int victims, unsynced;
            bool progressed;
            try
            {
                MoveVictims();
                progressed = SyncWatchers(out unsynced);
                lock (_lock)
                {
                    CheckDeferredProgress();
                    victims = _victims.Count;
                }
            }
            catch (ObjectDisposedException) when (stop.IsCancellationRequested)
            {
                return;
            }
            TimeSpan wait = victims > 0 ? Options.VictimRetryInterval
                : unsynced > 0 ? (progressed ? TimeSpan.Zero : Options.SyncInterval)
                : Timeout.InfiniteTimeSpan;
            if (wait == TimeSpan.Zero)
            {
                await Task.Yield();
                continue;
            }
            try
            {
                await _kick.WaitAsync(wait, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Retries each victim's batch; a delivered one goes to unsynced (more history waits) or synced.</summary>
    private void MoveVictims()
    {
        lock (_lock)
        {
            if (_victims.Count == 0)
            {
                return;
            }
            _victimScratch.Clear();
            foreach (Watcher w in _victims)
            {
                if (w.TrySendEvents(w.VictimRevision, w.VictimEvents!))
                {
                    _victimScratch.Add(w);
                }
            }
            foreach (Watcher w in _victimScratch)
            {
                _victims.Remove(w);
                w.VictimEvents = null;
                if (w.MinRev <= _rev)
                {
                    w.State = WatcherState.Unsynced;
                    _unsynced.Add(w);
                }
                else
                {
                    w.State = WatcherState.Synced;
                    _synced.Add(w);
                    _slowWatcherCount--;
                }
            }
            if (_victimScratch.Count > 0 && _unsynced.Count > 0)
            {
                Kick();
            }
            _victimScratch.Clear();
        }
    }

    /// <summary>
    /// One catch-up round (etcd's syncWatchers) for up to <see cref="WatchableStoreOptions.MaxWatchersPerSync"/>
    /// unsynced watchers: compacted ones are told and dropped; history from the lowest next revision is read from
    /// the backend outside the lock (so the apply thread is not held up), then the short tail written meanwhile is
    /// read under the lock, so a watcher that is sent everything can join the synced group without a gap.
    /// Returns whether any watcher got events or moved; <paramref name="unsynced"/> is how many remain.
    /// </summary>
    private bool SyncWatchers(out int unsynced)
    {
        List<Watcher> chosen;
        var group = new WatcherGroup();
        long minRev = long.MaxValue;
        long curRev;
        bool progressed = false;
        lock (_lock)
        {
            if (_unsynced.Count == 0)
            {
                unsynced = 0;
                return false;
            }
            curRev = _rev;
            long compactRev = _kv.CompactRevision;
            chosen = new List<Watcher>(Math.Min(_unsynced.Count, Options.MaxWatchersPerSync));
            foreach (Watcher w in _unsynced.All)
            {
                if (chosen.Count == Options.MaxWatchersPerSync)
                {
                    break;
                }
                chosen.Add(w);
            }
            for (int i = chosen.Count - 1; i >= 0; i--)
            {
                Watcher w = chosen[i];
                if (w.MinRev < compactRev)
                {
                    _unsynced.Remove(w);
                    w.State = WatcherState.Compacted;
                    // Counters first: whoever reads the notice must see them already updated.
                    _slowWatcherCount--;
                    _watcherCount--;
                    w.Stream.EnqueueControl(new WatchUpdate(WatchUpdateKind.Compacted, w.Id, 0, [], w) { CompactRevision = compactRev });
                    chosen.RemoveAt(i);
                    progressed = true;
                    continue;
                }
                group.Add(w);
                minRev = Math.Min(minRev, w.MinRev);
            }
        }

        var batches = new Dictionary<Watcher, EventBatch>();
        long upTo = chosen.Count == 0 ? curRev : ReadHistory(Math.Max(1, minRev), curRev, group, batches);

        lock (_lock)
        {
            if (upTo == curRev && _rev > curRev)
            {
                // Revisions notified while we read: short, so read them here and leave no gap to the synced group.
                upTo = ReadHistory(curRev + 1, _rev, group, batches);
            }
            foreach (Watcher w in chosen)
            {
                if (w.State != WatcherState.Unsynced)
                {
                    // Canceled (or its stream closed) while we were reading.
                    continue;
                }
                long next = upTo + 1;
                if (batches.TryGetValue(w, out EventBatch? batch))
                {
                    if (batch.MoreRev != 0)
                    {
                        next = batch.MoreRev;
                    }
                    if (!w.TrySendEvents(upTo, batch.Events))
                    {
                        _unsynced.Remove(w);
                        w.VictimEvents = batch.Events;
                        w.VictimRevision = upTo;
                        w.MinRev = next;
                        BecomeVictim(w);
                        continue;
                    }
                    progressed = true;
                }
                w.MinRev = Math.Max(w.MinRev, next);
                if (w.MinRev > _rev)
                {
                    _unsynced.Remove(w);
                    w.State = WatcherState.Synced;
                    _synced.Add(w);
                    _slowWatcherCount--;
                    progressed = true;
                }
            }
            unsynced = _unsynced.Count;
        }
        return progressed;
    }

    /// <summary>
    /// Reads the key bucket over revisions [<paramref name="from"/>, <paramref name="to"/>] and adds each change to
    /// the batch of every watcher of <paramref name="group"/> that watches its key and still needs its revision.
    /// Stops after about <see cref="WatchableStoreOptions.HistoryRowsPerRead"/> rows, at a revision boundary, and
    /// returns the last revision read completely.
    /// </summary>
    private long ReadHistory(long from, long to, WatcherGroup group, Dictionary<Watcher, EventBatch> batches)
    {
        if (from > to)
        {
            return to;
        }
        int limit = Options.HistoryRowsPerRead;
        var rows = new List<(Mvcc.Revision Rev, bool Tombstone, byte[] Value)>();
        using (ReadTx tx = _kv.Backend.ConcurrentReadTx())
        {
            byte[] start = RevisionKey.Encode(from, 0);
            byte[] end = RevisionKey.Encode(to + 1, 0);
            tx.UnsafeRange(Buckets.Key, start, end, limit, (k, v) =>
            {
                rows.Add((Mvcc.Revision.FromBytes(k), RevisionKey.IsTombstone(k), v.ToArray()));
                return true;
            });
            if (rows.Count == limit && limit > 0)
            {
                // The last revision may be cut: keep whole revisions only, or, when one revision alone fills the
                // read, read that revision whole.
                long last = rows[^1].Rev.Main;
                int keep = rows.FindIndex(r => r.Rev.Main == last);
                if (keep > 0)
                {
                    rows.RemoveRange(keep, rows.Count - keep);
                    to = last - 1;
                }
                else
                {
                    rows.Clear();
                    tx.UnsafeRange(Buckets.Key, RevisionKey.Encode(last, 0), RevisionKey.Encode(last + 1, 0), 0, (k, v) =>
                    {
                        rows.Add((Mvcc.Revision.FromBytes(k), RevisionKey.IsTombstone(k), v.ToArray()));
                        return true;
                    });
                    to = last;
                }
            }
        }

        var covering = new List<HashSet<Watcher>>();
        foreach ((Mvcc.Revision rev, bool tombstone, byte[] value) in rows)
        {
            KeyValue kv = KeyValue.Parser.ParseFrom(value);
            covering.Clear();
            group.Covering(kv.Key.Span, covering);
            if (covering.Count == 0)
            {
                continue;
            }
            Event e;
            if (tombstone)
            {
                // Tombstones store the key only; the event says when the delete happened.
                kv.ModRevision = rev.Main;
                e = new Event { Type = Event.Types.EventType.Delete, Kv = kv };
            }
            else
            {
                e = new Event { Type = Event.Types.EventType.Put, Kv = kv };
            }
            foreach (HashSet<Watcher> set in covering)
            {
                foreach (Watcher w in set)
                {
                    if (rev.Main < w.MinRev)
                    {
                        continue;
                    }
                    if (!batches.TryGetValue(w, out EventBatch? batch))
                    {
                        batch = new EventBatch(Options.MaxRevisionsPerBatch);
                        batches.Add(w, batch);
                    }
                    batch.Add(e);
                }
            }
        }
        return to;
    }
}
