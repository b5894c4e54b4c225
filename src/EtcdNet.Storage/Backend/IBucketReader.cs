using System.Diagnostics.CodeAnalysis;
using EtcdNet.Storage.Schema;

namespace EtcdNet.Storage;

/// <summary>Reading buckets, common to the writer (<see cref="BatchTx"/>) and concurrent readers (<see cref="ReadTx"/>).</summary>
public interface IBucketReader
{
    /// <summary>Point lookup.</summary>
    bool TryGet(Bucket bucket, ReadOnlySpan<byte> key, [NotNullWhen(true)] out byte[]? value);

    /// <summary>
    /// Visits keys in [from, to) in order, at most <paramref name="limit"/> (0 = all); an empty
    /// <paramref name="to"/> means to the end of the bucket. Returns the number visited.
    /// </summary>
    int UnsafeRange(Bucket bucket, ReadOnlySpan<byte> from, ReadOnlySpan<byte> to, long limit, KeyValueVisitor visitor);
}
