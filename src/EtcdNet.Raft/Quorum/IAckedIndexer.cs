namespace EtcdNet.Raft.Quorum;

/// <summary>Answers the highest log index a voter has acknowledged.</summary>
public interface IAckedIndexer
{
    /// <summary>False when the voter is unknown.</summary>
    bool TryGetAckedIndex(ulong voterId, out ulong index);
}
