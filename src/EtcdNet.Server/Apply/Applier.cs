using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Auth;
using EtcdNet.Lease;
using EtcdNet.Mvcc;
using EtcdNet.Raft.Raftpb;
using EtcdNet.Server.Auth;
using EtcdNet.Server.Alarm;
using EtcdNet.Server.Errors;
using EtcdNet.Server.Membership;
using Member = EtcdNet.Server.Membership.Member;

namespace EtcdNet.Server.Apply;

/// <summary>
/// Applies one committed request to the stores. Runs on the apply loop only, in log order; a request that fails
/// here (a compacted revision, a missing key for ignore_value, an unknown lease) fails for the caller and changes
/// nothing.
/// </summary>
public sealed class Applier(KvStore kv, Lessor lessor, RaftCluster cluster)
{
    /// <summary>Checks each entry against the identity in its header and applies auth requests (none: no auth).</summary>
    public AuthApplier? Auth { get; init; }

    /// <summary>The alarm and quota gates every entry passes first (none for an applier built alone in tests).</summary>
    public AlarmGate? Gate { get; set; }

    public ApplyResult Apply(InternalRaftRequest request) => Gate is null ? ApplyUngated(request) : Gate.Apply(request, ApplyUngated);

    private ApplyResult ApplyUngated(InternalRaftRequest request)
    {
        try
        {
            Auth?.Check(request);
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
                { Alarm: { } alarm } when Gate is not null => new ApplyResult(Gate.Alarms.Apply(alarm)),
                _ when Auth?.Apply(request) is { } applied => applied,
                _ => new ApplyResult(null, new InvalidOperationException("etcdserver: unknown request in raft entry")),
            };
        }
        catch (Exception e) when (e is MvccException or LeaseException or AuthException)
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
        // The header's revision is the one at apply time, as etcd's newHeader: later writes must not show through.
        return new ApplyResult(new LeaseGrantResponse { Header = new ResponseHeader { Revision = kv.CurrentRevision }, ID = lease.Id, TTL = lease.Ttl });
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
        return new ApplyResult(new LeaseRevokeResponse { Header = new ResponseHeader { Revision = kv.CurrentRevision } });
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
    /// A committed membership change, checked against the members as etcd checks it at apply time (a duplicate id
    /// or peer URL, a second learner, an unknown member fail the caller and change nothing), then applied to the
    /// member list; the caller updates raft's own view. The context carries the member, as etcd's does.
    /// </summary>
    public ApplyResult ApplyConfChange(ConfChange cc)
    {
        var member = cc.Context.IsEmpty ? null : RaftCluster.FromProto(Api.Membershippb.Member.Parser.ParseFrom(cc.Context));
        var existing = cluster.Get(cc.NodeId);
        var error = Validate(cc, member, existing);
        if (error is not null) return new ApplyResult(null, error.ToException());
        switch (cc.Type)
        {
            case ConfChangeType.ConfChangeAddNode:
                // Adding a voter that is already a learner is etcd's promotion.
                cluster.Add(existing is { IsLearner: true } ? existing with { IsLearner = false } : member! with { IsLearner = false });
                break;
            case ConfChangeType.ConfChangeAddLearnerNode:
                cluster.Add(member! with { IsLearner = true });
                break;
            case ConfChangeType.ConfChangeRemoveNode:
                cluster.Remove(cc.NodeId);
                break;
            case ConfChangeType.ConfChangeUpdateNode:
                cluster.Add(existing! with { PeerUrls = member!.PeerUrls });
                break;
        }
        return new ApplyResult(null);
    }

    private EtcdError? Validate(ConfChange cc, Member? member, Member? existing)
    {
        var others = cluster.Members.Where(m => m.Id != cc.NodeId).ToList();
        bool UrlTaken() => member is not null && others.Any(m => m.PeerUrls.Intersect(member.PeerUrls).Any());
        return cc.Type switch
        {
            _ when cluster.IsRemoved(cc.NodeId) => EtcdErrors.MemberNotFound,
            ConfChangeType.ConfChangeAddNode when existing is { IsLearner: false } => EtcdErrors.MemberExist,
            ConfChangeType.ConfChangeAddNode when existing is null && (member is null || UrlTaken()) => member is null ? EtcdErrors.MemberBadURLs : EtcdErrors.PeerURLExist,
            ConfChangeType.ConfChangeAddLearnerNode when existing is not null => EtcdErrors.MemberExist,
            ConfChangeType.ConfChangeAddLearnerNode when member is null || UrlTaken() => member is null ? EtcdErrors.MemberBadURLs : EtcdErrors.PeerURLExist,
            ConfChangeType.ConfChangeAddLearnerNode when cluster.Members.Count(m => m.IsLearner) >= MaxLearners => EtcdErrors.TooManyLearners,
            ConfChangeType.ConfChangeRemoveNode when existing is null => EtcdErrors.MemberNotFound,
            ConfChangeType.ConfChangeUpdateNode when existing is null => EtcdErrors.MemberNotFound,
            ConfChangeType.ConfChangeUpdateNode when member is null || UrlTaken() => member is null ? EtcdErrors.MemberBadURLs : EtcdErrors.PeerURLExist,
            _ => null,
        };
    }

    /// <summary>etcd 3.4/3.5 allow one learner at a time.</summary>
    private const int MaxLearners = 1;

    private ApplyResult Checkpoint(LeaseCheckpointRequest request)
    {
        foreach (var c in request.Checkpoints)
        {
            lessor.Checkpoint(c.ID, c.RemainingTTL);
        }
        return new ApplyResult(new LeaseCheckpointResponse { Header = new ResponseHeader() });
    }
}
