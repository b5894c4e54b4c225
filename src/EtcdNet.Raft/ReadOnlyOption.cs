namespace EtcdNet.Raft;

/// <summary>How the leader confirms it is still the leader before serving a ReadIndex.</summary>
public enum ReadOnlyOption
{
    /// <summary>Each read waits for a heartbeat round acknowledged by a quorum.</summary>
    Safe,
    /// <summary>Relies on the leader lease kept by CheckQuorum; unsafe with unbounded clock drift.</summary>
    LeaseBased,
}
