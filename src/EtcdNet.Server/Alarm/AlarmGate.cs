using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Server.Apply;
using EtcdNet.Server.Errors;
using EtcdNet.Server.Quota;

namespace EtcdNet.Server.Alarm;

/// <summary>
/// What etcd layers over its backend applier for space and alarms, decided afresh for every entry from the raised
/// alarms: while CORRUPT is raised, writes, compactions and lease grants and revokes are refused with "corrupt
/// cluster" (applierV3Corrupt); while NOSPACE is raised, puts, txns with puts and lease grants are refused with
/// "database space exceeded" (applierV3Capped); otherwise a write that no longer fitted the quota when it was
/// applied still takes effect but answers NOSPACE (quotaApplierV3). Every member applies the same gates at the
/// same point of the log, so they stay in step. Deletes, reads, defrag and alarm requests always pass.
/// </summary>
public sealed class AlarmGate(AlarmStore alarms, BackendQuota quota)
{
    public AlarmStore Alarms => alarms;

    /// <summary>Applies <paramref name="request"/> through <paramref name="apply"/> unless an alarm refuses it.</summary>
    public ApplyResult Apply(InternalRaftRequest request, Func<InternalRaftRequest, ApplyResult> apply)
    {
        if (Refusal(request) is { } refused) return new ApplyResult(null, refused.ToException());
        bool fits = quota.Available(request);
        var result = apply(request);
        return fits || result.Error is not null ? result : result with { Error = EtcdErrors.NoSpace.ToException() };
    }

    /// <summary>The error an active alarm answers this request with, or null when it may be applied.</summary>
    public EtcdError? Refusal(InternalRaftRequest request)
    {
        if (alarms.IsActive(AlarmType.Corrupt) && request is { Put: not null } or { DeleteRange: not null } or { Txn: not null }
            or { Compaction: not null } or { LeaseGrant: not null } or { LeaseRevoke: not null })
        {
            return EtcdErrors.Corrupt;
        }
        if (alarms.IsActive(AlarmType.Nospace)
            && (request.Put is not null || request.LeaseGrant is not null || (request.Txn is { } txn && BackendQuota.Cost(txn) > 0)))
        {
            return EtcdErrors.NoSpace;
        }
        return null;
    }
}
