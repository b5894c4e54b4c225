namespace EtcdNet.Mvcc.Watch;

/// <summary>
/// What a watcher watches and how (etcd's WatchCreateRequest after the server's normalisation). The range end
/// follows the store's convention: null = the single key, empty = every key from <see cref="Key"/> on, else [key, end).
/// </summary>
public sealed record WatcherSpec
{
    /// <summary>The key, or the start of the range. Never empty (the server turns an empty key into "\0").</summary>
    public required byte[] Key { get; init; }

    /// <summary>Null = the single key, empty = to the end of the keyspace, else the exclusive end.</summary>
    public byte[]? End { get; init; }

    /// <summary>First revision to report; 0 = changes after the current revision.</summary>
    public long StartRevision { get; init; }

    /// <summary>Client-chosen id; 0 lets the stream pick the lowest free one.</summary>
    public long Id { get; init; }

    /// <summary>Drop PUT events (filter NOPUT).</summary>
    public bool NoPut { get; init; }

    /// <summary>Drop DELETE events (filter NODELETE).</summary>
    public bool NoDelete { get; init; }

    /// <summary>Send progress notifications when idle for the store's interval.</summary>
    public bool ProgressNotify { get; init; }

    /// <summary>Carried for the server: add the previous key-value to events.</summary>
    public bool PrevKv { get; init; }

    /// <summary>Carried for the server: split responses over the size limit.</summary>
    public bool Fragment { get; init; }
}
