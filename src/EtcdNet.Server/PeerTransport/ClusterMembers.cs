using EtcdNet.Server.Membership;

namespace EtcdNet.Server.PeerTransport;

/// <summary>What a joining member learns from an existing peer: the cluster id and the current members.</summary>
public sealed record ClusterMembers(ulong ClusterId, IReadOnlyList<Member> Members);
