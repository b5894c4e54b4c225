using EtcdNet.Raft.Raftpb;
using EtcdNet.Server.Membership;

namespace EtcdNet.Server.PeerTransport;

/// <summary>How one member's <see cref="RaftTransport"/> identifies itself and paces its connections.</summary>
public sealed class RaftTransportOptions
{
    /// <summary>This member's id (sent as X-Server-From; inbound streams must be addressed to it).</summary>
    public required ulong LocalId { get; init; }

    /// <summary>The cluster id every peer must share; a mismatch refuses the stream.</summary>
    public required ulong ClusterId { get; init; }

    /// <summary>This member's advertised peer URLs, sent to peers as X-PeerURLs.</summary>
    public IReadOnlyList<string> LocalPeerUrls { get; init; } = [];

    /// <summary>Where received snapshot databases are saved (etcd: member/snap), as <see cref="SnapshotDbFile"/> names them.</summary>
    public string? SnapshotDirectory { get; init; }

    /// <summary>
    /// Opens the bytes that travel with an outgoing MsgSnap (the backend database); the transport disposes the stream.
    /// Null sends the message with no data.
    /// </summary>
    public Func<Message, Stream>? OpenSnapshotData { get; init; }

    /// <summary>The members this member knows, served to a joining member; null leaves the Members call unavailable.</summary>
    public Func<IReadOnlyList<Member>>? CurrentMembers { get; init; }

    /// <summary>This member's HashKV at a revision, answered to peers' corruption checks (etcd's /members/hashkv).</summary>
    public Func<long, CancellationToken, Task<Api.Etcdserverpb.HashKVResponse>>? HashKV { get; init; }

    /// <summary>Called with each measured round trip to a peer (feeds etcd_network_peer_round_trip_time_seconds).</summary>
    public Action<ulong, TimeSpan>? RoundTripObserved { get; init; }

    /// <summary>Messages waiting per peer before Send drops (etcd's stream buffer: 4096).</summary>
    public int QueueSize { get; init; } = 4096;

    /// <summary>Time to connect to a peer and have its stream accepted.</summary>
    public TimeSpan DialTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A write to a peer that takes longer than this counts the peer as unreachable (etcd: ConnWriteTimeout 5s).</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often each peer's round trip is measured (etcd's prober: every 4s).</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>First wait before redialing an unreachable peer; doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest wait between redials.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(1);

    internal void Validate()
    {
        if (LocalId == 0)
        {
            throw new ArgumentException("the local member id must not be 0", nameof(LocalId));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(QueueSize, 1, nameof(QueueSize));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DialTimeout, TimeSpan.Zero, nameof(DialTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(WriteTimeout, TimeSpan.Zero, nameof(WriteTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ProbeInterval, TimeSpan.Zero, nameof(ProbeInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MinBackoff, TimeSpan.Zero, nameof(MinBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBackoff, MinBackoff, nameof(MaxBackoff));
    }
}
