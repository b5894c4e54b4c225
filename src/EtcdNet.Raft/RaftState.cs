namespace EtcdNet.Raft;

/// <summary>The role a node plays at a moment (etcd's StateType).</summary>
public enum RaftState
{
    /// <summary>Follows a leader or waits for one.</summary>
    Follower,
    /// <summary>Campaigns in a real election (term bumped).</summary>
    Candidate,
    /// <summary>Leads the term.</summary>
    Leader,
    /// <summary>Asks whether it could win before bumping its term (pre-vote).</summary>
    PreCandidate,
}
