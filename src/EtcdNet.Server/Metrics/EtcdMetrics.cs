using System.Globalization;
using EtcdNet.Server.PeerTransport;

namespace EtcdNet.Server.Metrics;

/// <summary>
/// The metrics an etcd member exports, under etcd's names, labels and buckets (what its Grafana dashboard and
/// alerts query). Hot-path series are fields updated in place; everything the server already tracks is read at
/// scrape time through <see cref="Bind"/>.
/// </summary>
public sealed class EtcdMetrics
{
    /// <summary>etcd's default backend quota (2 GiB), reported when --quota-backend-bytes is 0.</summary>
    public const long DefaultQuotaBytes = 2L * 1024 * 1024 * 1024;

    /// <summary>Buckets of the WAL fsync and backend commit histograms: 1 ms to about 8 s.</summary>
    public static readonly double[] DiskBuckets = Histogram.ExponentialBuckets(0.001, 2, 14);

    /// <summary>Buckets of the peer round-trip histogram: 100 µs to about 3.3 s.</summary>
    public static readonly double[] RoundTripBuckets = Histogram.ExponentialBuckets(0.0001, 2, 16);

    private readonly LabelledFamily<Histogram> _peerRoundTrip;

    public EtcdMetrics(bool extensive = false)
    {
        var r = Registry;
        LeaderChanges = r.Counter("etcd_server_leader_changes_seen_total", "The number of leader changes seen.");
        ProposalsPending = r.Gauge("etcd_server_proposals_pending", "The current number of pending proposals to commit.");
        ProposalsFailed = r.Counter("etcd_server_proposals_failed_total", "The total number of failed proposals seen.");
        WalFsync = r.Histogram("etcd_disk_wal_fsync_duration_seconds", "The latency distributions of fsync called by WAL.", DiskBuckets);
        BackendCommit = r.Histogram("etcd_disk_backend_commit_duration_seconds", "The latency distributions of commit called by backend.", DiskBuckets);
        _peerRoundTrip = r.HistogramFamily("etcd_network_peer_round_trip_time_seconds", "Round-Trip-Time histogram between peers", RoundTripBuckets, "To");
        Grpc = new GrpcServerMetrics(r, handlingHistogram: extensive);
        ProcessCollector.Register(r);
    }

    public MetricRegistry Registry { get; } = new();

    public Counter LeaderChanges { get; }

    public Gauge ProposalsPending { get; }

    public Counter ProposalsFailed { get; }

    public Histogram WalFsync { get; }

    public Histogram BackendCommit { get; }

    /// <summary>The observer the client gRPC listeners report calls to.</summary>
    public GrpcServerMetrics Grpc { get; }

    /// <summary>Feeds etcd_network_peer_round_trip_time_seconds (the transport's RoundTripObserved).</summary>
    public void ObservePeerRoundTrip(ulong peer, TimeSpan rtt) => _peerRoundTrip.WithLabels(MemberIdLabel(peer)).Observe(rtt);

    /// <summary>etcd's types.ID text: lowercase hex without padding.</summary>
    public static string MemberIdLabel(ulong id) => id.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>Registers the series read from the running server at scrape time.</summary>
    public void Bind(EtcdServer server)
    {
        var r = Registry;
        r.GaugeFunc("etcd_server_has_leader", "Whether or not a leader exists. 1 is existence, 0 is not.", () => server.LeaderId != 0 ? 1 : 0);
        r.GaugeFunc("etcd_server_is_leader", "Whether or not this member is a leader. 1 if is, 0 otherwise.", () => server.RaftLoop.IsLeader ? 1 : 0);
        r.GaugeFunc("etcd_server_is_learner", "Whether or not this member is a learner. 1 if is, 0 otherwise.", () => server.IsLearner ? 1 : 0);
        // etcd keeps these two as gauges set to the committed and applied raft index.
        r.GaugeFunc("etcd_server_proposals_committed_total", "The total number of consensus proposals committed.", () => server.CommittedIndex);
        r.GaugeFunc("etcd_server_proposals_applied_total", "The total number of consensus proposals applied.", () => server.AppliedIndex);
        var quota = server.Options.QuotaBackendBytes == 0 ? DefaultQuotaBytes : server.Options.QuotaBackendBytes;
        r.GaugeFunc("etcd_server_quota_backend_bytes", "Current backend storage quota size in bytes.", () => quota);
        r.Register(new CallbackFamily("etcd_server_id", "Server or member ID in hexadecimal format. 1 for 'server_id' label with current ID.",
            MetricType.Gauge, ["server_id"], () => [([MemberIdLabel(server.MemberId)], 1)]));
        r.Register(new CallbackFamily("etcd_server_version", "Which version is running. 1 for 'server_version' label with current version.",
            MetricType.Gauge, ["server_version"], () => [([EtcdServer.Version], 1)]));

        r.GaugeFunc("etcd_mvcc_db_total_size_in_bytes", "Total size of the underlying database physically allocated in bytes.", () => server.DbSize);
        r.GaugeFunc("etcd_mvcc_db_total_size_in_use_in_bytes", "Total size of the underlying database logically in use in bytes.", () => server.DbSizeInUse);
        r.GaugeFunc("etcd_debugging_mvcc_keys_total", "Total number of keys.", () => server.Kv.Index.Count);
        r.GaugeFunc("etcd_debugging_mvcc_current_revision", "The current revision of store.", () => server.Kv.CurrentRevision);
        r.GaugeFunc("etcd_debugging_mvcc_compact_revision", "The revision of the last compaction in store.", () => server.Kv.CompactRevision);
        r.GaugeFunc("etcd_debugging_mvcc_watch_stream_total", "Total number of watch streams.", () => server.Watchable.WatchStreamCount);
        r.GaugeFunc("etcd_debugging_mvcc_watcher_total", "Total number of watchers.", () => server.Watchable.WatcherCount);
        r.GaugeFunc("etcd_debugging_mvcc_slow_watcher_total", "Total number of unsynced slow watchers.", () => server.Watchable.SlowWatcherCount);
        r.GaugeFunc("etcd_debugging_mvcc_pending_events_total", "Total number of pending events to be sent.", () => server.Watchable.PendingEventCount);

        r.CounterFunc("etcd_debugging_lease_granted_total", "The total number of granted leases.", () => server.Lessor.GrantedTotal);
        r.CounterFunc("etcd_debugging_lease_revoked_total", "The total number of revoked leases.", () => server.Lessor.RevokedTotal);
        r.CounterFunc("etcd_debugging_lease_renewed_total", "The number of renewed leases seen by the leader.", () => server.Lessor.RenewedTotal);
        r.CounterFunc("etcd_server_lease_expired_total", "The total number of expired leases.", () => server.LeasesExpiredTotal);

        RegisterPeer(r, "etcd_network_peer_sent_bytes_total", "The total number of bytes sent to peers.", "To", server, s => s.SentBytes);
        RegisterPeer(r, "etcd_network_peer_received_bytes_total", "The total number of bytes received from peers.", "From", server, s => s.ReceivedBytes);
        RegisterPeer(r, "etcd_network_peer_sent_failures_total", "The total number of send failures from peers.", "To", server, s => s.SentFailures);
        RegisterPeer(r, "etcd_network_peer_received_failures_total", "The total number of receive failures from peers.", "From", server, s => s.ReceivedFailures);
        RegisterPeer(r, "etcd_network_snapshot_send_success", "Total number of successful snapshot sends", "To", server, s => s.SnapshotsSent);
        RegisterPeer(r, "etcd_network_snapshot_send_failures", "Total number of snapshot send failures", "To", server, s => s.SnapshotSendFailures);
        RegisterPeer(r, "etcd_network_snapshot_receive_success", "Total number of successful snapshot receives", "From", server, s => s.SnapshotsReceived);
        var local = MemberIdLabel(server.MemberId);
        r.Register(new CallbackFamily("etcd_network_active_peers", "The current number of active peer connections.", MetricType.Gauge, ["Local", "Remote"],
            () => server.Transport.Stats().Select(s => (new[] { local, MemberIdLabel(s.Id) }, s.Active ? 1.0 : 0.0))));
        r.Register(new CallbackFamily("etcd_network_disconnected_peers_total", "The total number of disconnected peers.", MetricType.Counter, ["Local", "Remote"],
            () => server.Transport.Stats().Select(s => (new[] { local, MemberIdLabel(s.Id) }, (double)s.Disconnects))));
    }

    private static void RegisterPeer(MetricRegistry r, string name, string help, string label, EtcdServer server, Func<PeerStats, long> value) =>
        r.Register(new CallbackFamily(name, help, MetricType.Counter, [label],
            () => server.Transport.Stats().Select(s => (new[] { MemberIdLabel(s.Id) }, (double)value(s)))));
}
