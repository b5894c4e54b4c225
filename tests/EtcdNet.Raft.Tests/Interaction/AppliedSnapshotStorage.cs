using EtcdNet.Raft.Raftpb;

namespace EtcdNet.Raft.Tests.Interaction;

/// <summary>
/// Storage whose Snapshot() is taken on demand at the application's applied index with its current
/// membership, as a server that can always produce a fresh snapshot would; everything else is the
/// node's MemoryRaftStorage. Lets a new member be caught up without a manual compaction first.
/// </summary>
internal sealed class AppliedSnapshotStorage(InteractionEnv.Node node) : IRaftStorage
{
    public (HardState HardState, ConfState ConfState) InitialState() => node.Storage.InitialState();

    public IReadOnlyList<Entry> Entries(ulong lo, ulong hi, ulong maxSize) => node.Storage.Entries(lo, hi, maxSize);

    public ulong Term(ulong i) => node.Storage.Term(i);

    public ulong LastIndex() => node.Storage.LastIndex();

    public ulong FirstIndex() => node.Storage.FirstIndex();

    public Snapshot Snapshot()
    {
        var stored = node.Storage.Snapshot();
        if (node.Applied <= stored.Metadata.Index) return stored;
        return new Snapshot
        {
            Metadata = new SnapshotMetadata
            {
                Index = node.Applied, Term = node.Storage.Term(node.Applied), ConfState = node.ConfState.Clone(),
            },
        };
    }
}
