namespace EtcdNet.Mvcc;

/// <summary>Port to the lessor, implemented by the server: lease existence, and which keys a lease carries.</summary>
public interface ILeaseChecker
{
    /// <summary>True when the lease exists (granted, not revoked or expired).</summary>
    bool Exists(long leaseId);

    /// <summary>The key was put with this lease.</summary>
    void Attach(long leaseId, ReadOnlyMemory<byte> key);

    /// <summary>The key no longer carries this lease (overwritten with another lease, or deleted).</summary>
    void Detach(long leaseId, ReadOnlyMemory<byte> key);
}
