using EtcdNet.Raft.Raftpb;
using EtcdNet.Raft.Tracker;

namespace EtcdNet.Raft;

/// <summary>A copy of one follower's replication progress as the leader sees it.</summary>
public readonly record struct ProgressStatus(
    ulong Match, ulong Next, ProgressState State, bool IsLearner, bool RecentActive, ulong PendingSnapshot, bool Paused);

/// <summary>
/// A snapshot of a node's Raft state for the server's status, metrics and membership checks (e.g. whether a
/// learner has caught up: compare its <see cref="ProgressStatus.Match"/> with the leader's).
/// </summary>
public sealed record RaftStatus
{
    /// <summary>This node.</summary>
    public ulong Id { get; init; }

    /// <summary>Current term.</summary>
    public ulong Term { get; init; }

    /// <summary>Who this node voted for in the current term (0: nobody).</summary>
    public ulong Vote { get; init; }

    /// <summary>Commit index.</summary>
    public ulong Commit { get; init; }

    /// <summary>Applied index as reported through Advance.</summary>
    public ulong Applied { get; init; }

    /// <summary>The known leader (0: none).</summary>
    public ulong Lead { get; init; }

    /// <summary>This node's role.</summary>
    public RaftState RaftState { get; init; }

    /// <summary>The node leadership is being transferred to (0: none).</summary>
    public ulong LeadTransferee { get; init; }

    /// <summary>The current membership.</summary>
    public required ConfState Config { get; init; }

    /// <summary>Per-member progress; filled only on the leader.</summary>
    public IReadOnlyDictionary<ulong, ProgressStatus> Progress { get; init; } = new Dictionary<ulong, ProgressStatus>();
}
