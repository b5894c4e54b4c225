using EtcdNet.Api.Etcdserverpb;

namespace EtcdNet.Server.Corruption;

/// <summary>One peer's answer to HashKV at a revision (etcd's peerHashKVResp): the response, or the last error.</summary>
public sealed record PeerHash(ulong MemberId, IReadOnlyList<string> Endpoints, HashKVResponse? Response, Exception? Error = null);
