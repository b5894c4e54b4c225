namespace EtcdNet.Raft;

/// <summary>Volatile state worth telling the application about, never persisted: the leader and our role.</summary>
public readonly record struct SoftState(ulong Lead, RaftState RaftState);
