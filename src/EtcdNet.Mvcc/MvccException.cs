namespace EtcdNet.Mvcc;

/// <summary>Base of every error the MVCC store reports to its caller.</summary>
public abstract class MvccException : Exception
{
    /// <summary>Creates the exception with etcd's message.</summary>
    protected MvccException(string message) : base(message)
    {
    }
}

/// <summary>The requested revision is older than the compaction revision (etcd's mvcc.ErrCompacted).</summary>
public sealed class CompactedException : MvccException
{
    /// <summary>etcd's message.</summary>
    public const string ErrorMessage = "mvcc: required revision has been compacted";

    /// <summary>Creates the exception.</summary>
    public CompactedException() : base(ErrorMessage)
    {
    }
}

/// <summary>The requested revision is newer than the current revision (etcd's mvcc.ErrFutureRev).</summary>
public sealed class FutureRevisionException : MvccException
{
    /// <summary>etcd's message.</summary>
    public const string ErrorMessage = "mvcc: required revision is a future revision";

    /// <summary>Creates the exception.</summary>
    public FutureRevisionException() : base(ErrorMessage)
    {
    }
}

/// <summary>A put with ignore_value or ignore_lease names a key that does not exist (etcd's ErrKeyNotFound).</summary>
public sealed class MissingKeyException : MvccException
{
    /// <summary>etcd's message.</summary>
    public const string ErrorMessage = "etcdserver: key not found";

    /// <summary>Creates the exception.</summary>
    public MissingKeyException() : base(ErrorMessage)
    {
    }
}

/// <summary>A put names a lease that does not exist (etcd's lease.ErrLeaseNotFound).</summary>
public sealed class LeaseNotFoundException : MvccException
{
    /// <summary>etcd's message.</summary>
    public const string ErrorMessage = "lease not found";

    /// <summary>Creates the exception for the given lease.</summary>
    public LeaseNotFoundException(long leaseId) : base(ErrorMessage) => LeaseId = leaseId;

    /// <summary>The lease that was not found.</summary>
    public long LeaseId { get; }
}
