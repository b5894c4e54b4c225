namespace EtcdNet.Storage;

/// <summary>A snapshot file that cannot be read (messages follow etcd's <c>snap: ...</c> errors).</summary>
public sealed class SnapshotException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SnapshotException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public SnapshotException(string message, Exception inner) : base(message, inner)
    {
    }
}
