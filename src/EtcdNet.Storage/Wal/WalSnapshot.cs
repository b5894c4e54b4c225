using EtcdNet.Raft.Raftpb;

namespace EtcdNet.Storage;

/// <summary>
/// A snapshot the WAL knows about (walpb.Snapshot): the raft log up to <see cref="Index"/> (at <see cref="Term"/>)
/// lives in a snapshot file, so reading the WAL starts after it. <c>default</c> is the empty start of a new WAL.
/// </summary>
/// <param name="Index">The last raft index the snapshot covers.</param>
/// <param name="Term">The term of the entry at <paramref name="Index"/>.</param>
/// <param name="ConfState">The membership at <paramref name="Index"/>, when known (etcd 3.5 records it).</param>
public readonly record struct WalSnapshot(ulong Index, ulong Term, ConfState? ConfState = null)
{
    /// <summary>The marker for a raft snapshot's metadata.</summary>
    public static WalSnapshot From(SnapshotMetadata metadata) => new(metadata.Index, metadata.Term, metadata.ConfState);

    internal Walpb.Snapshot ToProto()
    {
        var proto = new Walpb.Snapshot { Index = Index, Term = Term };
        if (ConfState is not null)
        {
            proto.ConfState = ConfState;
        }

        return proto;
    }

    internal static WalSnapshot FromProto(Walpb.Snapshot proto) =>
        new(proto.Index, proto.Term, proto.ConfState);
}
