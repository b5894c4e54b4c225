using System.Text;

namespace EtcdNet.Storage.Schema;

/// <summary>Keys of the <see cref="Buckets.Meta"/> bucket, spelled as etcd spells them.</summary>
public static class MetaKeys
{
    /// <summary>Last applied raft index (8 bytes big-endian, see <see cref="ConsistentIndex"/>).</summary>
    public static ReadOnlySpan<byte> ConsistentIndexKey => "consistent_index"u8;

    /// <summary>Raft term of the last applied entry (8 bytes big-endian, see <see cref="ConsistentIndex"/>).</summary>
    public static ReadOnlySpan<byte> TermKey => "term"u8;

    /// <summary>Compaction revision recorded when a compaction is scheduled (a <see cref="RevisionKey"/> with sub 0).</summary>
    public static ReadOnlySpan<byte> ScheduledCompactRevKey => "scheduledCompactRev"u8;

    /// <summary>Compaction revision recorded when its physical deletion finished (a <see cref="RevisionKey"/> with sub 0).</summary>
    public static ReadOnlySpan<byte> FinishedCompactRevKey => "finishedCompactRev"u8;

    /// <summary>Readable name of a meta key, for logs and errors.</summary>
    public static string Describe(ReadOnlySpan<byte> key) => Encoding.UTF8.GetString(key);
}
