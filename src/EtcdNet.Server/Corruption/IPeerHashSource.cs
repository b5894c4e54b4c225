namespace EtcdNet.Server.Corruption;

/// <summary>Asks every other member for its HashKV at a revision (one answer per member that has endpoints).</summary>
public interface IPeerHashSource
{
    Task<IReadOnlyList<PeerHash>> FetchAsync(long revision, CancellationToken ct);
}
