using EtcdNet.Raft.Raftpb;

namespace EtcdNet.Raft;

/// <summary>
/// Everything a <see cref="RaftNode"/> needs the application to do, handed out in one batch. The
/// application must, in this order:
/// <list type="number">
/// <item>persist <see cref="Snapshot"/> (if any), <see cref="Entries"/> and <see cref="HardState"/> (if any),
/// durably when <see cref="MustSync"/>, and make them visible through its <see cref="IRaftStorage"/>;</item>
/// <item>only then send <see cref="Messages"/> (a follower's vote or append acknowledgement is a promise
/// about what it has persisted; a leader may send in parallel with persisting, but the simple order is always safe);</item>
/// <item>apply <see cref="CommittedEntries"/> in order (they are committed, and are never entries not yet persisted
/// by the time they are applied if step 1 ran first), calling <see cref="RaftNode.ApplyConfChange"/> for conf changes;</item>
/// <item>call <see cref="RaftNode.Advance"/> with this Ready before asking for the next one.</item>
/// </list>
/// <see cref="ReadStates"/> and <see cref="SoftState"/> are informational and need no persistence.
/// </summary>
public sealed class Ready
{
    /// <summary>The leader and role, when they changed since the last Ready; otherwise null.</summary>
    public SoftState? SoftState { get; init; }

    /// <summary>Term, vote and commit to persist, when they changed; otherwise null.</summary>
    public HardState? HardState { get; init; }

    /// <summary>Answers to ReadIndex requests.</summary>
    public IReadOnlyList<ReadState> ReadStates { get; init; } = [];

    /// <summary>Entries to append to stable storage before sending messages.</summary>
    public IReadOnlyList<Entry> Entries { get; init; } = [];

    /// <summary>A snapshot from the leader to persist (and restore the state machine from), or null.</summary>
    public Snapshot? Snapshot { get; init; }

    /// <summary>Committed entries to apply, in order. They were persisted earlier or in this Ready.</summary>
    public IReadOnlyList<Entry> CommittedEntries { get; init; } = [];

    /// <summary>Messages to send after the entries and hard state are persisted.</summary>
    public IReadOnlyList<Message> Messages { get; init; } = [];

    /// <summary>The hard state and entries must be synced to disk (not merely written) before acting on them.</summary>
    public bool MustSync { get; init; }

    /// <summary>Whether this Ready asks for anything at all.</summary>
    public bool IsEmpty =>
        SoftState is null && HardState is null && ReadStates.Count == 0 && Entries.Count == 0 && Snapshot is null
        && CommittedEntries.Count == 0 && Messages.Count == 0;

    /// <summary>The applied index the application reaches by handling this Ready (0: unchanged).</summary>
    internal ulong AppliedCursor()
    {
        if (CommittedEntries.Count > 0) return CommittedEntries[^1].Index;
        return Snapshot?.Metadata.Index ?? 0;
    }
}
