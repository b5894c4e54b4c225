using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Server.Errors;

namespace EtcdNet.Server.Quota;

/// <summary>
/// etcd's quotaAlarmer, in front of the KV and Lease services: a put, txn or lease grant that no longer fits the
/// quota is not proposed; instead this member raises NOSPACE through raft (so every member refuses such writes
/// from that point of the log on) and the caller gets "database space exceeded".
/// </summary>
public sealed class QuotaAlarmer(BackendQuota quota, ulong memberId, Func<InternalRaftRequest, CancellationToken, Task> propose)
{
    public BackendQuota Quota => quota;

    public bool Fits(PutRequest request) => quota.Available(BackendQuota.Cost(request));

    public bool Fits(TxnRequest request) => quota.Available(BackendQuota.Cost(request));

    public bool Fits(LeaseGrantRequest request) => quota.Available(BackendQuota.LeaseOverhead);

    /// <summary>Raises NOSPACE for this member, waits until it is applied (or fails), then fails the call with NOSPACE.</summary>
    public async ValueTask<T> RefuseAsync<T>(CancellationToken ct)
    {
        var alarm = new AlarmRequest
        {
            MemberID = memberId,
            Action = AlarmRequest.Types.AlarmAction.Activate,
            Alarm = AlarmType.Nospace,
        };
        try
        {
            await propose(new InternalRaftRequest { Alarm = alarm }, ct).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // As in etcd, whether the alarm made it does not change the answer: the write does not fit either way.
        }
        throw EtcdErrors.NoSpace.ToException();
    }
}
