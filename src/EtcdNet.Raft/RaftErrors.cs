namespace EtcdNet.Raft;

/// <summary>The requested index is below the storage's first index: it was compacted away.</summary>
public sealed class CompactedException : Exception
{
    /// <summary>Creates the error with etcd's message.</summary>
    public CompactedException() : base("requested index is unavailable due to compaction") { }
}

/// <summary>The requested index is above the storage's last index: it does not exist yet.</summary>
public sealed class UnavailableException : Exception
{
    /// <summary>Creates the error with etcd's message.</summary>
    public UnavailableException() : base("requested entry at index is unavailable") { }
}

/// <summary>The storage cannot produce a snapshot right now; Raft retries later.</summary>
public sealed class SnapshotTemporarilyUnavailableException : Exception
{
    /// <summary>Creates the error with etcd's message.</summary>
    public SnapshotTemporarilyUnavailableException() : base("snapshot is temporarily unavailable") { }
}

/// <summary>A snapshot older than the one the storage already holds was offered.</summary>
public sealed class SnapshotOutOfDateException : Exception
{
    /// <summary>Creates the error with etcd's message.</summary>
    public SnapshotOutOfDateException() : base("requested index is older than the existing snapshot") { }
}

/// <summary>A proposal was not accepted (no leader, forwarding disabled, transfer in progress, removed node).</summary>
public sealed class ProposalDroppedException : Exception
{
    /// <summary>Creates the error with etcd's message.</summary>
    public ProposalDroppedException() : base("raft proposal dropped") { }
}
