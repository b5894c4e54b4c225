using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using EtcdNet.Raft.Raftpb;
using EtcdNet.Server.Errors;
using EtcdNet.Server.Membership;
using Google.Protobuf;
using Member = EtcdNet.Server.Membership.Member;

namespace EtcdNet.Server.Services;

/// <summary>
/// etcdserverpb.Cluster: membership as the log has it, and changes to it as raft conf changes, with etcd's checks
/// (strict reconfiguration keeps a quorum of started members; one learner at most; a learner is promoted only
/// once it has caught up with the leader).
/// </summary>
public sealed class ClusterService(EtcdServer server)
{
    /// <summary>A learner is ready once its log holds 90% of the leader's (etcd's readyPercent).</summary>
    private const double LearnerReadyPercent = 0.9;

    public ValueTask<MemberListResponse> MemberList(MemberListRequest request, CallContext context)
    {
        var response = new MemberListResponse { Header = server.MembershipHeader() };
        response.Members.AddRange(server.Members.Select(ToPb));
        return ValueTask.FromResult(response);
    }

    public async ValueTask<MemberAddResponse> MemberAdd(MemberAddRequest request, CallContext context)
    {
        var urls = request.PeerURLs.ToList();
        if (urls.Count == 0 || !urls.All(IsValidPeerUrl)) throw EtcdErrors.MemberBadURLs.ToException();
        server.CheckAdmin(context);
        if (!request.IsLearner && server.Options.StrictReconfigCheck && !ReadyToAddVoter())
        {
            throw EtcdErrors.MemberNotEnoughStarted.ToException();
        }
        var member = new Member(Member.ComputeId(urls, server.Options.InitialClusterToken, DateTimeOffset.UtcNow), "", urls, [], request.IsLearner);
        await server.ProposeConfChangeAsync(new ConfChange
        {
            Type = request.IsLearner ? ConfChangeType.ConfChangeAddLearnerNode : ConfChangeType.ConfChangeAddNode,
            NodeId = member.Id,
            Context = RaftCluster.ToProto(member).ToByteString(),
        }, context.CancellationToken).ConfigureAwait(false);

        var response = new MemberAddResponse { Header = server.MembershipHeader(), Member = ToPb(member) };
        response.Members.AddRange(server.Members.Select(ToPb));
        return response;
    }

    public async ValueTask<MemberRemoveResponse> MemberRemove(MemberRemoveRequest request, CallContext context)
    {
        server.CheckAdmin(context);
        var target = server.Cluster.Get(request.ID);
        if (target is null) throw EtcdErrors.MemberNotFound.ToException();
        if (!target.IsLearner && server.Options.StrictReconfigCheck && !ReadyToRemoveVoter(request.ID))
        {
            throw EtcdErrors.MemberNotEnoughStarted.ToException();
        }
        await server.ProposeConfChangeAsync(new ConfChange { Type = ConfChangeType.ConfChangeRemoveNode, NodeId = request.ID }, context.CancellationToken)
            .ConfigureAwait(false);
        var response = new MemberRemoveResponse { Header = server.MembershipHeader() };
        response.Members.AddRange(server.Members.Select(ToPb));
        return response;
    }

    public async ValueTask<MemberUpdateResponse> MemberUpdate(MemberUpdateRequest request, CallContext context)
    {
        var urls = request.PeerURLs.ToList();
        if (urls.Count == 0 || !urls.All(IsValidPeerUrl)) throw EtcdErrors.MemberBadURLs.ToException();
        server.CheckAdmin(context);
        var target = server.Cluster.Get(request.ID) ?? throw EtcdErrors.MemberNotFound.ToException();
        await server.ProposeConfChangeAsync(new ConfChange
        {
            Type = ConfChangeType.ConfChangeUpdateNode,
            NodeId = request.ID,
            Context = RaftCluster.ToProto(target with { PeerUrls = urls }).ToByteString(),
        }, context.CancellationToken).ConfigureAwait(false);
        var response = new MemberUpdateResponse { Header = server.MembershipHeader() };
        response.Members.AddRange(server.Members.Select(ToPb));
        return response;
    }

    /// <summary>Only the leader knows how far a learner's log has come, so only it can promote.</summary>
    public async ValueTask<MemberPromoteResponse> MemberPromote(MemberPromoteRequest request, CallContext context)
    {
        server.CheckAdmin(context);
        if (!server.RaftLoop.IsLeader) throw EtcdErrors.NotLeader.ToException();
        var target = server.Cluster.Get(request.ID) ?? throw EtcdErrors.MemberNotFound.ToException();
        if (!target.IsLearner) throw EtcdErrors.MemberNotLearner.ToException();
        var status = await server.RaftLoop.InvokeAsync(node => node.Status).ConfigureAwait(false);
        if (status.Progress is { } progress
            && progress.TryGetValue(request.ID, out var learner)
            && progress.TryGetValue(status.Id, out var leader)
            && learner.Match < leader.Match * LearnerReadyPercent)
        {
            throw EtcdErrors.LearnerNotReady.ToException();
        }
        await server.ProposeConfChangeAsync(new ConfChange
        {
            Type = ConfChangeType.ConfChangeAddNode,
            NodeId = request.ID,
            Context = RaftCluster.ToProto(target with { IsLearner = false }).ToByteString(),
        }, context.CancellationToken).ConfigureAwait(false);
        var response = new MemberPromoteResponse { Header = server.MembershipHeader() };
        response.Members.AddRange(server.Members.Select(ToPb));
        return response;
    }

    /// <summary>After adding a voter, the started voters must still make a quorum (etcd's IsReadyToAddVotingMember).</summary>
    private bool ReadyToAddVoter()
    {
        var voters = server.Members.Where(m => !m.IsLearner).ToList();
        var started = voters.Count(IsStarted);
        return started >= (voters.Count + 1) / 2 + 1;
    }

    /// <summary>Without the removed voter, the started voters left must make a quorum of what is left.</summary>
    private bool ReadyToRemoveVoter(ulong id)
    {
        var remaining = server.Members.Where(m => !m.IsLearner && m.Id != id).ToList();
        return remaining.Count(IsStarted) >= remaining.Count / 2 + 1;
    }

    /// <summary>A member counts as started once it has published its name (etcd's rule).</summary>
    private static bool IsStarted(Member m) => m.Name.Length > 0;

    private static bool IsValidPeerUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https"
        && url.IndexOf(':', uri.Scheme.Length + 3) > 0
        && uri.AbsolutePath == "/";

    private static Api.Etcdserverpb.Member ToPb(Member m)
    {
        var member = new Api.Etcdserverpb.Member { ID = m.Id, Name = m.Name, IsLearner = m.IsLearner };
        member.PeerURLs.AddRange(m.PeerUrls);
        member.ClientURLs.AddRange(m.ClientUrls);
        return member;
    }
}
