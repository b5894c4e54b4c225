using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using EtcdNet.Server.Membership;
using EtcdNet.Server.PeerTransport;
using EtcdNet.Server.Services;
using Microsoft.Extensions.Logging;

namespace EtcdNet.Server.Corruption;

/// <summary>
/// Fetches peers' hashes from their peer listeners, as etcd asks /members/hashkv: the client API would need a login
/// once auth is on. Each member's peer URLs are tried in turn until one answers.
/// </summary>
public sealed partial class PeerUrlHashSource(RaftCluster cluster, TimeSpan timeout, ILogger logger) : IPeerHashSource
{
    public async Task<IReadOnlyList<PeerHash>> FetchAsync(long revision, CancellationToken ct)
    {
        var answers = new List<PeerHash>();
        foreach (var member in cluster.Members.Where(m => m.Id != cluster.LocalId && m.PeerUrls.Count > 0))
        {
            Exception? last = null;
            HashKVResponse? response = null;
            foreach (var url in member.PeerUrls)
            {
                try
                {
                    using var channel = new GrpcChannel(new Uri(url));
                    response = await channel.UnaryAsync(PeerWire.HashKVPath, new HashKVRequest { Revision = revision },
                        ProtoMarshaller.For<HashKVRequest>(), ProtoMarshaller.For<HashKVResponse>(), timeout: timeout, ct: ct).ConfigureAwait(false);
                    break;
                }
                catch (Exception e) when (e is RpcException or HttpRequestException or IOException or OperationCanceledException && !ct.IsCancellationRequested)
                {
                    last = e;
                    LogFailed(logger, $"{cluster.LocalId:x}", revision, url, e.Message);
                }
            }
            answers.Add(new PeerHash(member.Id, member.PeerUrls, response, response is null ? last : null));
        }
        return answers;
    }

    [LoggerMessage(EventId = 8201, Level = LogLevel.Warning, Message = "failed hash kv request local-member-id={LocalMemberId} requested-revision={RequestedRevision} remote-peer-endpoint={RemotePeerEndpoint} error={Error}")]
    private static partial void LogFailed(ILogger logger, string localMemberId, long requestedRevision, string remotePeerEndpoint, string error);
}
