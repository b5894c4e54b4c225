namespace EtcdNet.Server.Compaction;

/// <summary>What a compactor works on: the store's current revision and a way to compact it through raft.</summary>
public interface ICompactable
{
    long CurrentRevision { get; }

    /// <summary>Compacts up to <paramref name="revision"/>; an already compacted revision counts as done.</summary>
    Task CompactAsync(long revision, CancellationToken ct);
}
