using EtcdNet.Api.Mvccpb;

namespace EtcdNet.Mvcc.Watch;

/// <summary>Where a watcher is in the <see cref="WatchableStore"/>'s life cycle.</summary>
internal enum WatcherState
{
    /// <summary>Has seen everything up to the store's revision; gets live notifications.</summary>
    Synced,

    /// <summary>Behind: the sync loop feeds it history from the backend, from <see cref="Watcher.MinRev"/> on.</summary>
    Unsynced,

    /// <summary>Its stream's queue was full; holds one undelivered batch that the victim loop retries.</summary>
    Victim,

    /// <summary>Canceled or its stream closed; in no group, sends nothing.</summary>
    Canceled,

    /// <summary>Removed because its next revision was compacted away.</summary>
    Compacted,
}

/// <summary>
/// One watch on a key or range (etcd's mvcc watcher). Its mutable state is owned by the <see cref="WatchableStore"/>
/// and only changes under the store's lock.
/// </summary>
public sealed class Watcher
{
    internal Watcher(long id, WatcherSpec spec, WatchStream stream)
    {
        Id = id;
        Key = spec.Key;
        End = spec.End;
        NoPut = spec.NoPut;
        NoDelete = spec.NoDelete;
        ProgressNotify = spec.ProgressNotify;
        PrevKv = spec.PrevKv;
        Fragment = spec.Fragment;
        Stream = stream;
    }

    /// <summary>The watch id on its stream.</summary>
    public long Id { get; }

    /// <summary>The key or range start.</summary>
    public byte[] Key { get; }

    /// <summary>Null = single key, empty = to the end of the keyspace, else exclusive end.</summary>
    public byte[]? End { get; }

    /// <summary>Drop PUT events.</summary>
    public bool NoPut { get; }

    /// <summary>Drop DELETE events.</summary>
    public bool NoDelete { get; }

    /// <summary>Wants periodic progress notifications.</summary>
    public bool ProgressNotify { get; }

    /// <summary>Wants the previous key-value on events (the server fills it).</summary>
    public bool PrevKv { get; }

    /// <summary>Accepts fragmented responses (the server splits them).</summary>
    public bool Fragment { get; }

    internal WatchStream Stream { get; }

    /// <summary>The lowest revision this watcher still has to see; everything below it was delivered (or queued).</summary>
    internal long MinRev { get; set; }

    internal WatcherState State { get; set; }

    /// <summary>Set when events are queued; cleared by each progress tick (so busy watchers get no progress notice).</summary>
    internal bool SentSinceTick { get; set; }

    /// <summary>A victim's undelivered batch and its revision.</summary>
    internal IReadOnlyList<Event>? VictimEvents { get; set; }

    internal long VictimRevision { get; set; }

    /// <summary>Whether <paramref name="key"/> is in what this watcher watches.</summary>
    internal bool Covers(ReadOnlySpan<byte> key)
    {
        if (End is null)
        {
            return key.SequenceEqual(Key);
        }
        return key.SequenceCompareTo(Key) >= 0 && (End.Length == 0 || key.SequenceCompareTo(End) < 0);
    }

    /// <summary>
    /// Queues events (after this watcher's filters) without ever waiting. True when queued or when the filters
    /// left nothing to send; false when the stream's queue is full (the caller makes the watcher a victim).
    /// </summary>
    internal bool TrySendEvents(long revision, IReadOnlyList<Event> events)
    {
        if (NoPut || NoDelete)
        {
            events = Filter(events);
            if (events.Count == 0)
            {
                return true;
            }
        }
        if (!Stream.TryEnqueue(new WatchUpdate(WatchUpdateKind.Events, Id, revision, events, this), events.Count))
        {
            return false;
        }
        SentSinceTick = true;
        return true;
    }

    /// <summary>Queues a progress notice if there is room; a full queue means events are flowing anyway.</summary>
    internal void TrySendProgress(long revision) =>
        Stream.TryEnqueue(new WatchUpdate(WatchUpdateKind.Progress, Id, revision, [], this), 0);

    private List<Event> Filter(IReadOnlyList<Event> events)
    {
        var kept = new List<Event>(events.Count);
        foreach (Event e in events)
        {
            bool put = e.Type == Event.Types.EventType.Put;
            if ((put && NoPut) || (!put && NoDelete))
            {
                continue;
            }
            kept.Add(e);
        }
        return kept;
    }
}
