namespace EtcdNet.Server;

/// <summary>What an etcd member is configured with, typed; built by the executable from flags, env or config file.</summary>
public sealed record ServerOptions
{
    // URLs stay strings in etcd's form (scheme://host:port): member ids hash their exact text.
    public string Name { get; init; } = "default";
    public required string DataDir { get; init; }
    public IReadOnlyList<string> ListenClientUrls { get; init; } = ["http://localhost:2379"];
    public IReadOnlyList<string> AdvertiseClientUrls { get; init; } = ["http://localhost:2379"];
    public IReadOnlyList<string> ListenPeerUrls { get; init; } = ["http://localhost:2380"];
    public IReadOnlyList<string> InitialAdvertisePeerUrls { get; init; } = ["http://localhost:2380"];
    public string InitialCluster { get; init; } = "";
    public string InitialClusterToken { get; init; } = "etcd-cluster";
    public string InitialClusterState { get; init; } = "new";
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan ElectionTimeout { get; init; } = TimeSpan.FromMilliseconds(1000);
    /// <summary>Refuse membership changes that could cost the cluster its quorum (etcd's default).</summary>
    public bool StrictReconfigCheck { get; init; } = true;

    public int MaxTxnOps { get; init; } = 128;

    /// <summary>How often idle watchers that asked for it get a progress notification (etcd's 10 minutes).</summary>
    public TimeSpan WatchProgressNotifyInterval { get; init; } = TimeSpan.FromMinutes(10);
    public int MaxRequestBytes { get; init; } = 1572864;
    /// <summary>Backend size that raises the NOSPACE alarm; 0 means etcd's default of 2 GiB, negative disables it.</summary>
    public long QuotaBackendBytes { get; init; }

    /// <summary>etcd's --auto-compaction-mode: "periodic" or "revision".</summary>
    public string AutoCompactionMode { get; init; } = "periodic";

    /// <summary>etcd's --auto-compaction-retention, unparsed: "0" disables, "1" is an hour or a revision count, "5m" a duration.</summary>
    public string AutoCompactionRetention { get; init; } = "0";

    /// <summary>Compare this member's hash with its peers' before serving (etcd's --experimental-initial-corrupt-check).</summary>
    public bool InitialCorruptCheck { get; init; }

    /// <summary>How often the leader compares members' hashes; zero disables (etcd's --experimental-corrupt-check-time).</summary>
    public TimeSpan CorruptCheckTime { get; init; }

    /// <summary>etcd's --auth-token: "simple", or "jwt,pub-key=...,priv-key=...,sign-method=...[,ttl=...]".</summary>
    public string AuthToken { get; init; } = "simple";

    /// <summary>How long an unused simple token lives (etcd's --auth-token-ttl).</summary>
    public TimeSpan AuthTokenTtl { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>Cost of the password hash (etcd's --bcrypt-cost).</summary>
    public int BcryptCost { get; init; } = 10;
    /// <summary>Applied entries between raft snapshots (etcd 3.5's default; 3.6 uses 10000).</summary>
    public long SnapshotCount { get; init; } = 100000;

    /// <summary>Entries kept in memory behind a snapshot for followers that are only a little behind.</summary>
    public long SnapshotCatchUpEntries { get; init; } = 5000;

    public int MaxSnapshots { get; init; } = 5;
    public int MaxWals { get; init; } = 5;

    /// <summary>etcd's --metrics: "basic", or "extensive" to add grpc_server_handling_seconds.</summary>
    public string Metrics { get; init; } = "basic";

    /// <summary>Extra URLs that serve only /metrics and /health (etcd's --listen-metrics-urls).</summary>
    public IReadOnlyList<string> ListenMetricsUrls { get; init; } = [];

    public TimeSpan BackendBatchInterval { get; init; } = TimeSpan.FromMilliseconds(100);
    public int BackendBatchLimit { get; init; } = 10000;

    /// <summary>How long a proposal may wait to be applied: etcd's 5 s plus two election timeouts.</summary>
    public TimeSpan RequestTimeout => TimeSpan.FromSeconds(5) + 2 * ElectionTimeout;
}
