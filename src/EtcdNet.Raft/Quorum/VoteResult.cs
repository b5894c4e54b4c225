namespace EtcdNet.Raft.Quorum;

/// <summary>The outcome of a vote so far.</summary>
public enum VoteResult
{
    /// <summary>Not decided: the missing votes could still go either way.</summary>
    VotePending = 1,
    /// <summary>A quorum rejected.</summary>
    VoteLost,
    /// <summary>A quorum granted.</summary>
    VoteWon,
}
