namespace EtcdNet.Raft.Tracker;

/// <summary>How the leader currently replicates to a follower.</summary>
public enum ProgressState
{
    /// <summary>One append at a time until the follower's position is found.</summary>
    StateProbe,
    /// <summary>Optimistically streams appends, bounded by the inflight window.</summary>
    StateReplicate,
    /// <summary>A snapshot is on its way; appends pause until it is acknowledged.</summary>
    StateSnapshot,
}
