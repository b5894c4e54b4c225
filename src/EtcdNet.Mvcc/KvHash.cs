namespace EtcdNet.Mvcc;

/// <summary>
/// A store checksum as the Hash and HashKV RPCs report it: the CRC-32C, the revision it was taken at (the current
/// revision, as etcd's header carries) and the compact revision (-1 when the store was never compacted, as etcd).
/// </summary>
public readonly record struct KvHash(uint Hash, long Revision, long CompactRevision);
