using EtcdNet.Raft.Raftpb;

namespace EtcdNet.Storage;

/// <summary>What <see cref="Wal.ReadAll"/> recovered: the metadata, the last hard state and the entries after the start snapshot.</summary>
/// <param name="Metadata">The metadata written at <see cref="Wal.Create"/> (the same in every segment).</param>
/// <param name="State">The last hard state saved; empty when none was.</param>
/// <param name="Entries">The entries after the start snapshot's index, in order, with overwritten tails already dropped.</param>
/// <param name="RepairedTornTail">True when an incomplete last record (a crash mid-write) was cut off.</param>
/// <param name="TailOffset">The byte offset in the last segment where the next record is written.</param>
public sealed record WalReadResult(
    byte[] Metadata,
    HardState State,
    IReadOnlyList<Entry> Entries,
    bool RepairedTornTail,
    long TailOffset);
