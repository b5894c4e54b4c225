using EtcdNet.Api.Mvccpb;

namespace EtcdNet.Mvcc.Watch;

/// <summary>What a <see cref="WatchUpdate"/> tells the stream's consumer.</summary>
public enum WatchUpdateKind
{
    /// <summary>Events of one or more whole revisions for one watcher.</summary>
    Events,

    /// <summary>No events: the watcher (or, with id -1, every watcher of the stream) has seen everything up to the revision.</summary>
    Progress,

    /// <summary>Answer to a create: the watcher exists, or (with a cancel reason) could not be created.</summary>
    Created,

    /// <summary>Answer to a cancel: the watcher is gone and sends nothing more.</summary>
    Canceled,

    /// <summary>The watcher needed history older than the compaction revision and is gone.</summary>
    Compacted,
}

/// <summary>
/// One item of a <see cref="WatchStream"/>'s queue (etcd's mvcc.WatchResponse plus the control answers the server
/// sends): everything for one stream goes through one queue, so a consumer sees created, events, progress and
/// canceled in exactly the order the store decided them.
/// </summary>
public sealed class WatchUpdate
{
    internal WatchUpdate(WatchUpdateKind kind, long watchId, long revision, IReadOnlyList<Event> events, Watcher? watcher)
    {
        Kind = kind;
        WatchId = watchId;
        Revision = revision;
        Events = events;
        Watcher = watcher;
    }

    /// <summary>What this item is.</summary>
    public WatchUpdateKind Kind { get; }

    /// <summary>The watcher it is for; -1 for a stream-wide progress answer or a failed create.</summary>
    public long WatchId { get; }

    /// <summary>
    /// The store revision the item speaks for: the event revision for a live notification, the revision the
    /// catch-up read reached for history, the current revision for progress and control answers, and 0 for
    /// <see cref="WatchUpdateKind.Compacted"/> (as etcd).
    /// </summary>
    public long Revision { get; }

    /// <summary>Events in revision order; never splits a revision. Shared between watchers: do not modify.</summary>
    public IReadOnlyList<Event> Events { get; }

    /// <summary>The watcher, for its per-watch options (prev_kv, fragment); null when there is none.</summary>
    public Watcher? Watcher { get; }

    /// <summary>For <see cref="WatchUpdateKind.Compacted"/>: the compaction revision.</summary>
    public long CompactRevision { get; internal init; }

    /// <summary>For a failed create: etcd's reason.</summary>
    public string? CancelReason { get; internal init; }

    /// <summary>Counted against the stream's bound (events and periodic progress, not control answers).</summary>
    internal bool Bounded { get; set; }
}
