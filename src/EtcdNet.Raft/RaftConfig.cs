namespace EtcdNet.Raft;

/// <summary>The parameters a <see cref="RaftNode"/> is started with.</summary>
public sealed class RaftConfig
{
    /// <summary>This node's id; never 0.</summary>
    public ulong Id { get; init; }

    /// <summary>Ticks a follower waits without hearing from a leader before campaigning (randomized in [n, 2n)).</summary>
    public int ElectionTick { get; init; } = 10;

    /// <summary>Ticks between a leader's heartbeats; must be smaller than <see cref="ElectionTick"/>.</summary>
    public int HeartbeatTick { get; init; } = 1;

    /// <summary>The log and state persisted so far; Raft only reads it.</summary>
    public required IRaftStorage Storage { get; init; }

    /// <summary>The last index the application has applied; set on restart so entries are not applied twice.</summary>
    public ulong Applied { get; init; }

    /// <summary>Upper bound on the bytes of entries in one append message (at least one entry is always sent).</summary>
    public ulong MaxSizePerMsg { get; init; } = 1024 * 1024;

    /// <summary>Upper bound on the bytes of committed entries handed out in one Ready.</summary>
    public ulong MaxCommittedSizePerReady { get; init; } = ulong.MaxValue;

    /// <summary>How many append messages may be in flight to one follower in the replicate state.</summary>
    public int MaxInflightMsgs { get; init; } = 256;

    /// <summary>A leader steps down when it has not heard from a quorum within an election timeout.</summary>
    public bool CheckQuorum { get; init; }

    /// <summary>Run a pre-election before bumping the term, so a partitioned node cannot disrupt the group.</summary>
    public bool PreVote { get; init; }

    /// <summary>How ReadIndex confirms leadership.</summary>
    public ReadOnlyOption ReadOnlyOption { get; init; } = ReadOnlyOption.Safe;

    /// <summary>Followers drop proposals instead of forwarding them to the leader.</summary>
    public bool DisableProposalForwarding { get; init; }

    /// <summary>Source of the randomized election timeout; seed it for deterministic tests.</summary>
    public Random? Random { get; init; }

    /// <summary>Where log lines go; discarded by default.</summary>
    public IRaftLogger? Logger { get; init; }

    /// <summary>Throws when the combination cannot work.</summary>
    public void Validate()
    {
        if (Id == 0) throw new ArgumentException("cannot use none as id");
        if (HeartbeatTick <= 0) throw new ArgumentException("heartbeat tick must be greater than 0");
        if (ElectionTick <= HeartbeatTick) throw new ArgumentException("election tick must be greater than heartbeat tick");
        if (Storage is null) throw new ArgumentException("storage cannot be nil");
        if (MaxInflightMsgs <= 0) throw new ArgumentException("max inflight messages must be greater than 0");
        if (ReadOnlyOption == ReadOnlyOption.LeaseBased && !CheckQuorum)
            throw new ArgumentException("CheckQuorum must be enabled when ReadOnlyOption is ReadOnlyLeaseBased");
    }
}
