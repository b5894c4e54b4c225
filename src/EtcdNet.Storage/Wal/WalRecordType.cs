namespace EtcdNet.Storage;

/// <summary>The kinds of WAL record; the numbers are etcd's (wal.go: metadataType = 1 ... snapshotType = 5).</summary>
public enum WalRecordType
{
    /// <summary>The member's opaque metadata (etcd: node and cluster id); heads every segment.</summary>
    Metadata = 1,

    /// <summary>A raftpb.Entry.</summary>
    Entry = 2,

    /// <summary>A raftpb.HardState (term, vote, commit).</summary>
    State = 3,

    /// <summary>The running CRC of the previous segment, which chains the segments; first in every segment.</summary>
    Crc = 4,

    /// <summary>A walpb.Snapshot marker: a snapshot at (index, term) was taken.</summary>
    Snapshot = 5,
}
