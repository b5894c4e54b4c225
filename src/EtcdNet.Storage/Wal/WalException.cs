namespace EtcdNet.Storage;

/// <summary>A WAL that cannot be created, opened or read as asked (messages follow etcd's <c>wal: ...</c> errors).</summary>
public class WalException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WalException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public WalException(string message, Exception inner) : base(message, inner)
    {
    }
}
