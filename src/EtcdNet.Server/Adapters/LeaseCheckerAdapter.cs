using EtcdNet.Lease;
using EtcdNet.Mvcc;

namespace EtcdNet.Server.Adapters;

/// <summary>The kv store's lease port, served by the lessor (Mvcc and Lease never see each other).</summary>
public sealed class LeaseCheckerAdapter(Lessor lessor) : ILeaseChecker
{
    public bool Exists(long leaseId) => lessor.Exists(leaseId);

    public void Attach(long leaseId, ReadOnlyMemory<byte> key) => lessor.Attach(leaseId, key);

    public void Detach(long leaseId, ReadOnlyMemory<byte> key) => lessor.Detach(leaseId, key);
}
