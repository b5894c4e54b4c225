namespace EtcdNet.Storage;

/// <summary>How a <see cref="Wal"/> lays out and syncs its segment files.</summary>
public sealed record WalOptions
{
    /// <summary>etcd's segment size (wal.SegmentSizeBytes): 64 MB, decimal as etcd has it.</summary>
    public const long DefaultSegmentSize = 64L * 1000 * 1000;

    /// <summary>The size each segment is preallocated to; a segment is cut once its records reach it.</summary>
    public long SegmentSize { get; init; } = DefaultSegmentSize;

    /// <summary>
    /// When false, writes are not fsynced (etcd's --unsafe-no-fsync): fast, and a crash of the machine may lose
    /// acknowledged writes. For tests and throwaway clusters only.
    /// </summary>
    public bool Fsync { get; init; } = true;

    /// <summary>The largest record accepted when reading (etcd: 10 MB); anything longer is corruption.</summary>
    public long MaxRecordSize { get; init; } = 10L * 1024 * 1024;
}
