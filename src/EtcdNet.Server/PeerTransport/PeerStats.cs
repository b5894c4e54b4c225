namespace EtcdNet.Server.PeerTransport;

/// <summary>One peer's traffic as the transport counted it, read at scrape time for etcd's etcd_network_* metrics.</summary>
/// <param name="Id">The peer's member id (the To/From label).</param>
/// <param name="Active">Whether the message stream to the peer is up.</param>
/// <param name="RoundTripTime">The latest measured round trip, if any probe has succeeded.</param>
/// <param name="SentBytes">etcd_network_peer_sent_bytes_total{To}.</param>
/// <param name="SentFailures">etcd_network_peer_sent_failures_total{To}: messages dropped or lost on the way.</param>
/// <param name="ReceivedBytes">etcd_network_peer_received_bytes_total{From}.</param>
/// <param name="ReceivedFailures">etcd_network_peer_received_failures_total{From}.</param>
/// <param name="Disconnects">etcd_network_disconnected_peers_total{Remote}: times an active stream was lost.</param>
/// <param name="SnapshotsSent">etcd_network_snapshot_send_success{To}.</param>
/// <param name="SnapshotSendFailures">etcd_network_snapshot_send_failures{To}.</param>
/// <param name="SnapshotsReceived">etcd_network_snapshot_receive_success{From}.</param>
public sealed record PeerStats(
    ulong Id,
    bool Active,
    TimeSpan? RoundTripTime,
    long SentBytes,
    long SentFailures,
    long ReceivedBytes,
    long ReceivedFailures,
    long Disconnects,
    long SnapshotsSent,
    long SnapshotSendFailures,
    long SnapshotsReceived);
