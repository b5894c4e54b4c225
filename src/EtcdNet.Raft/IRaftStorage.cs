using EtcdNet.Raft.Raftpb;

namespace EtcdNet.Raft;

/// <summary>
/// The persisted log as Raft reads it. Raft never writes through this interface: the application
/// persists what <see cref="Ready"/> hands it and then makes it visible here. Returned entries must
/// not be modified afterwards by either side.
/// </summary>
public interface IRaftStorage
{
    /// <summary>The persisted hard state and the membership as of the last snapshot.</summary>
    (HardState HardState, ConfState ConfState) InitialState();

    /// <summary>
    /// Entries in [lo, hi), trimmed to about <paramref name="maxSize"/> bytes but always at least one.
    /// Throws <see cref="CompactedException"/> when lo is compacted, <see cref="UnavailableException"/> when absent.
    /// </summary>
    IReadOnlyList<Entry> Entries(ulong lo, ulong hi, ulong maxSize);

    /// <summary>The term of entry i; i may be FirstIndex-1 (the snapshot's term).</summary>
    ulong Term(ulong i);

    /// <summary>The index of the last entry.</summary>
    ulong LastIndex();

    /// <summary>The index of the first entry still available (the snapshot index + 1).</summary>
    ulong FirstIndex();

    /// <summary>The most recent snapshot; may throw <see cref="SnapshotTemporarilyUnavailableException"/>.</summary>
    Snapshot Snapshot();
}
