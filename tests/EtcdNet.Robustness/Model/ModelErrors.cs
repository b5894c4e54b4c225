namespace EtcdNet.Robustness.Model;

/// <summary>The definite errors the model can predict, matched by the text etcd puts in the gRPC status.</summary>
public static class ModelErrors
{
    /// <summary>A read or compaction at or below the compacted revision.</summary>
    public const string Compacted = "etcdserver: mvcc: required revision has been compacted";

    /// <summary>A read or compaction above the current revision.</summary>
    public const string FutureRevision = "etcdserver: mvcc: required revision is a future revision";

    /// <summary>A put with, or revoke of, a lease that does not exist.</summary>
    public const string LeaseNotFound = "etcdserver: requested lease not found";

    /// <summary>A grant of a lease id that already exists.</summary>
    public const string LeaseExists = "etcdserver: lease already exists";

    /// <summary>Which known error <paramref name="message"/> is (its text, without "rpc error: code = ..." noise), or null.</summary>
    public static string? Classify(string message)
    {
        foreach (var known in (ReadOnlySpan<string>)[Compacted, FutureRevision, LeaseNotFound, LeaseExists])
        {
            // Clients prefix or shorten the text differently; the part after "etcdserver: " is what identifies it.
            if (message.Contains(known["etcdserver: ".Length..], StringComparison.Ordinal))
            {
                return known;
            }
        }
        return null;
    }
}
