using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;

namespace EtcdNet.Server.Services;

/// <summary>etcdserverpb.Cluster: membership as this member knows it.</summary>
public sealed class ClusterService(EtcdServer server)
{
    public ValueTask<MemberListResponse> MemberList(MemberListRequest request, CallContext context)
    {
        var response = new MemberListResponse { Header = server.MembershipHeader() };
        foreach (var m in server.Members)
        {
            var member = new Api.Etcdserverpb.Member { ID = m.Id, Name = m.Name, IsLearner = m.IsLearner };
            member.PeerURLs.AddRange(m.PeerUrls);
            member.ClientURLs.AddRange(m.ClientUrls);
            response.Members.Add(member);
        }
        return ValueTask.FromResult(response);
    }
}
