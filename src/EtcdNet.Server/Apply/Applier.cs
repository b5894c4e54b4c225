using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Lease;
using EtcdNet.Mvcc;
using EtcdNet.Raft.Raftpb;
using EtcdNet.Server.Membership;

namespace EtcdNet.Server.Apply;

/// <summary>
/// Applies one committed request to the stores. Runs on the apply loop only, in log order; a request that fails
/// here (a compacted revision, a missing key for ignore_value, an unknown lease) fails for the caller and changes
/// nothing.
/// </summary>
public sealed class Applier(KvStore kv, Lessor lessor, RaftCluster cluster)
{
    public ApplyResult Apply(InternalRaftRequest request)
    {
        try
        {
            return request switch
            {
                { Put: { } put } => new ApplyResult(kv.Put(put)),
                { DeleteRange: { } del } => new ApplyResult(kv.DeleteRange(del)),
                { Txn: { } txn } => new ApplyResult(kv.Txn(txn)),
                { Compaction: { } compaction } => Compact(compaction),
                { LeaseGrant: { } grant } => Grant(grant),
                { LeaseRevoke: { } revoke } => Revoke(revoke),
                { LeaseCheckpoint: { } checkpoint } => Checkpoint(checkpoint),
                { ClusterMemberAttrSet: { } attributes } => SetAttributes(attributes),
                _ => new ApplyResult(null, new InvalidOperationException("etcdserver: unknown request in raft entry")),
            };
        }
        catch (Exception e) when (e is MvccException or LeaseException)
        {
            return new ApplyResult(null, e);
        }
    }

    private ApplyResult Compact(CompactionRequest request)
    {
        var physical = kv.Compact(request.Revision);
        var response = new CompactionResponse { Header = new ResponseHeader { Revision = kv.CurrentRevision } };
        return new ApplyResult(response, Physical: physical);
    }

    private ApplyResult Grant(LeaseGrantRequest request)
    {
        var lease = lessor.Grant(request.ID, request.TTL);
        return new ApplyResult(new LeaseGrantResponse { Header = new ResponseHeader(), ID = lease.Id, TTL = lease.Ttl });
    }

    /// <summary>Removes the lease and deletes all its keys in one write: the revoke is a single revision.</summary>
    private ApplyResult Revoke(LeaseRevokeRequest request)
    {
        var keys = lessor.Revoke(request.ID);
        if (keys.Count > 0)
        {
            var txn = new TxnRequest();
            foreach (var key in keys)
            {
                txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = Google.Protobuf.ByteString.CopyFrom(key) } });
            }
            kv.Txn(txn);
        }
        return new ApplyResult(new LeaseRevokeResponse { Header = new ResponseHeader() });
    }

    /// <summary>A member published its name and client URLs after starting.</summary>
    private ApplyResult SetAttributes(Api.Membershippb.ClusterMemberAttrSetRequest request)
    {
        cluster.Update(request.MemberID, m => m is null ? null : m with
        {
            Name = request.MemberAttributes.Name,
            ClientUrls = request.MemberAttributes.ClientUrls.ToList(),
        });
        return new ApplyResult(null);
    }

    /// <summary>
    /// A committed membership change, applied to the member list (raft's own view is updated by the caller).
    /// The context carries the member, as etcd's does.
    /// </summary>
    public ApplyResult ApplyConfChange(ConfChange cc)
    {
        var member = cc.Context.IsEmpty ? null : RaftCluster.FromProto(Api.Membershippb.Member.Parser.ParseFrom(cc.Context));
        switch (cc.Type)
        {
            case ConfChangeType.ConfChangeAddNode:
                // Adding a voter that is already a learner is etcd's promotion.
                cluster.Update(cc.NodeId, existing => existing is { IsLearner: true }
                    ? existing with { IsLearner = false }
                    : member ?? existing);
                break;
            case ConfChangeType.ConfChangeAddLearnerNode:
                if (member is not null) cluster.Add(member with { IsLearner = true });
                break;
            case ConfChangeType.ConfChangeRemoveNode:
                cluster.Remove(cc.NodeId);
                break;
            case ConfChangeType.ConfChangeUpdateNode:
                if (member is not null) cluster.Update(cc.NodeId, existing => existing is null ? null : existing with { PeerUrls = member.PeerUrls });
                break;
        }
        return new ApplyResult(null);
    }

    private ApplyResult Checkpoint(LeaseCheckpointRequest request)
    {
        foreach (var c in request.Checkpoints)
        {
            lessor.Checkpoint(c.ID, c.RemainingTTL);
        }
        return new ApplyResult(new LeaseCheckpointResponse { Header = new ResponseHeader() });
    }
}
