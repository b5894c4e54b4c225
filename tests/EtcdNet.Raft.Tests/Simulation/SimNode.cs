using EtcdNet.Raft.Raftpb;

namespace EtcdNet.Raft.Tests.Simulation;

/// <summary>
/// A simulated member: durable state (storage, the application's applied index and membership) that
/// survives a crash, and a RaftNode that does not.
/// </summary>
internal sealed class SimNode
{
    public required ulong Id { get; init; }
    public MemoryRaftStorage Storage { get; set; } = new();

    /// <summary>Null while crashed (or after removal).</summary>
    public RaftNode? Raft { get; set; }

    /// <summary>The application's applied index, persisted with its state (etcd's consistent index).</summary>
    public ulong Applied { get; set; }

    /// <summary>Membership as of Applied.</summary>
    public ConfState ConfState { get; set; } = new();

    public bool Removed { get; set; }

    public bool Alive => Raft is not null;
}
