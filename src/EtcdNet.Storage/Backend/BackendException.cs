namespace EtcdNet.Storage;

/// <summary>A failure of the backend's database (open, read, write or commit).</summary>
public sealed class BackendException : Exception
{
    /// <summary>Creates the exception with SQLite's message.</summary>
    public BackendException(string message) : base(message)
    {
    }
}
