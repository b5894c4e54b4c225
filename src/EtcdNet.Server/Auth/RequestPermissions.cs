using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Auth;
using EtcdNet.Lease;

namespace EtcdNet.Server.Auth;

/// <summary>
/// The permission walk over a write request, as etcd's authApplierV3 does it when the entry is applied: each key a
/// request writes, reads (compares, prev_kv) or deletes must be permitted to the user in the entry's header, and a
/// lease may only be attached or revoked by someone who may write every key already attached to it. Each check
/// throws the store's <see cref="AuthException"/>; nothing is checked while auth is disabled.
/// </summary>
public static class RequestPermissions
{
    public static void CheckPut(AuthStore store, Lessor lessor, AuthInfo info, PutRequest r)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(r);
        store.IsPutPermitted(info, r.Key.Span);
        // The lease's other keys could not be revoked by this user, so neither may it attach more to the lease.
        CheckLeasePuts(store, lessor, info, r.Lease);
        if (r.PrevKv) store.IsRangePermitted(info, r.Key.Span, []);
    }

    public static void CheckDeleteRange(AuthStore store, AuthInfo info, DeleteRangeRequest r)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(r);
        store.IsDeleteRangePermitted(info, r.Key.Span, r.RangeEnd.Span);
        if (r.PrevKv) store.IsRangePermitted(info, r.Key.Span, r.RangeEnd.Span);
    }

    /// <summary>
    /// etcd's checkTxnAuth: every compare is a read of its key or range, then every op of both branches (only one
    /// runs, but which one is not known until the compares are evaluated), nested txns included.
    /// </summary>
    public static void CheckTxn(AuthStore store, Lessor lessor, AuthInfo info, TxnRequest r)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(r);
        foreach (var c in r.Compare)
        {
            store.IsRangePermitted(info, c.Key.Span, c.RangeEnd.Span);
        }
        CheckOps(store, lessor, info, r.Success);
        CheckOps(store, lessor, info, r.Failure);
    }

    private static void CheckOps(AuthStore store, Lessor lessor, AuthInfo info, IEnumerable<RequestOp> ops)
    {
        foreach (var op in ops)
        {
            switch (op.RequestCase)
            {
                case RequestOp.RequestOneofCase.RequestRange:
                    store.IsRangePermitted(info, op.RequestRange.Key.Span, op.RequestRange.RangeEnd.Span);
                    break;
                case RequestOp.RequestOneofCase.RequestPut:
                    CheckPut(store, lessor, info, op.RequestPut);
                    break;
                case RequestOp.RequestOneofCase.RequestDeleteRange:
                    CheckDeleteRange(store, info, op.RequestDeleteRange);
                    break;
                case RequestOp.RequestOneofCase.RequestTxn:
                    CheckTxn(store, lessor, info, op.RequestTxn);
                    break;
            }
        }
    }

    /// <summary>etcd's checkLeasePuts: the user must be allowed to write every key attached to the lease.</summary>
    public static void CheckLeasePuts(AuthStore store, Lessor lessor, AuthInfo info, long leaseId)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(lessor);
        if (leaseId == 0 || !store.IsEnabled) return;
        if (lessor.Lookup(leaseId) is not { } lease) return;
        foreach (var key in lease.Keys)
        {
            store.IsPutPermitted(info, key);
        }
    }
}
