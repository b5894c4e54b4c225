using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using EtcdNet.Server.Services;

namespace EtcdNet.Server.PeerTransport;

/// <summary>
/// The joining member's question to an existing one (<c>--initial-cluster-state existing</c>): which cluster is this,
/// and who is in it. etcd asks GET /members on peer URLs; EtcdNet asks the peer listener's Members call.
/// </summary>
public static class RemoteCluster
{
    /// <summary>
    /// Asks each of <paramref name="peerUrls"/> in turn and returns the first answer; fails with etcd's
    /// "could not retrieve cluster information from the given URLs" when none answers.
    /// </summary>
    public static async Task<ClusterMembers> FetchAsync(IEnumerable<string> peerUrls, TimeSpan timeout,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(peerUrls);
        var errors = new List<Exception>();
        foreach (var url in peerUrls)
        {
            try
            {
                using var channel = new GrpcChannel(new Uri(url), new GrpcChannelOptions { ConnectTimeout = timeout });
                var response = await channel.UnaryAsync(PeerWire.MembersPath, new MemberListRequest(),
                    ProtoMarshaller.For<MemberListRequest>(), ProtoMarshaller.For<MemberListResponse>(),
                    timeout: timeout, ct: ct).ConfigureAwait(false);
                var members = response.Members.Select(m => new Membership.Member(m.ID, m.Name, [.. m.PeerURLs],
                    [.. m.ClientURLs], m.IsLearner)).ToArray();
                return new ClusterMembers(response.Header?.ClusterId ?? 0, members);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                errors.Add(e);
            }
        }

        throw new InvalidOperationException("could not retrieve cluster information from the given URLs",
            new AggregateException(errors));
    }
}
