namespace EtcdNet.Storage;

/// <summary>
/// A WAL record that is damaged where a crash cannot explain it: in a sealed segment, or before the last written
/// record of the tail segment. Recovery refuses such a WAL rather than skip acknowledged writes.
/// </summary>
public sealed class WalCorruptException : WalException
{
    /// <summary>Creates the exception for the record at <paramref name="offset"/> in <paramref name="path"/>.</summary>
    public WalCorruptException(string path, long offset, string reason)
        : base($"wal: corrupt record in {path} at offset {offset}: {reason}")
    {
        Path = path;
        Offset = offset;
        Reason = reason;
    }

    /// <summary>The segment file.</summary>
    public string Path { get; }

    /// <summary>The byte offset of the damaged record's frame in <see cref="Path"/>.</summary>
    public long Offset { get; }

    /// <summary>What was wrong (e.g. <c>crc mismatch</c>).</summary>
    public string Reason { get; }
}
