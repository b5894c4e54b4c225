using System.Globalization;

namespace EtcdNet.Configuration;

/// <summary>
/// Every flag etcdnet accepts, in etcd's names. One row serves the command line, the ETCD_* variables and the
/// --config-file keys; adding a setting means adding a row here and a property on <see cref="EtcdConfig"/>.
/// </summary>
public static class EtcdFlags
{
    public static readonly IReadOnlyList<Flag> All =
    [
        new("name", "Human-readable name for this member.", (c, v) => c.Name = v),
        new("data-dir", "Path to the data directory (default '${name}.etcd').", (c, v) => c.DataDir = v),
        new("listen-client-urls", "List of URLs to listen on for client traffic.", (c, v) => c.ListenClientUrls = Urls(v)),
        new("advertise-client-urls", "List of this member's client URLs to advertise to the public.", (c, v) => c.AdvertiseClientUrls = Urls(v)),
        new("listen-peer-urls", "List of URLs to listen on for peer traffic.", (c, v) => c.ListenPeerUrls = Urls(v)),
        new("initial-advertise-peer-urls", "List of this member's peer URLs to advertise to the rest of the cluster.", (c, v) => c.InitialAdvertisePeerUrls = Urls(v)),
        new("initial-cluster", "Initial cluster configuration for bootstrapping (name=peer-url,...).", (c, v) => c.InitialCluster = v),
        new("initial-cluster-token", "Initial cluster token for the etcd cluster during bootstrap.", (c, v) => c.InitialClusterToken = v),
        new("initial-cluster-state", "Initial cluster state ('new' or 'existing').", (c, v) => c.InitialClusterState = v),
        new("heartbeat-interval", "Time (in milliseconds) of a heartbeat interval.", (c, v) => c.HeartbeatIntervalMs = UInt(v)),
        new("election-timeout", "Time (in milliseconds) for an election to timeout.", (c, v) => c.ElectionTimeoutMs = UInt(v)),
        new("snapshot-count", "Number of committed transactions to trigger a snapshot to disk.", (c, v) => c.SnapshotCount = ULong(v)),
        new("experimental-snapshot-catchup-entries", "Number of entries for a slow follower to catch up after compacting the raft storage entries.", (c, v) => c.SnapshotCatchUpEntries = ULong(v)),
        new("max-snapshots", "Maximum number of snapshot files to retain (0 is unlimited).", (c, v) => c.MaxSnapshots = UInt(v)),
        new("max-wals", "Maximum number of wal files to retain (0 is unlimited).", (c, v) => c.MaxWals = UInt(v)),
        new("max-txn-ops", "Maximum number of operations permitted in a transaction.", (c, v) => c.MaxTxnOps = UInt(v)),
        new("max-request-bytes", "Maximum client request size in bytes the server will accept.", (c, v) => c.MaxRequestBytes = UInt(v)),
        new("experimental-watch-progress-notify-interval", "Duration of periodic watch progress notifications.", (c, v) => c.WatchProgressNotifyInterval = GoDuration.Parse(v)),
        new("strict-reconfig-check", "Reject reconfiguration requests that would cause quorum loss.", (c, v) => c.StrictReconfigCheck = Bool(v), IsBool: true),
        new("metrics", "Set level of detail for exported metrics, specify 'extensive' to include server side grpc histogram metrics.", (c, v) => c.Metrics = v),
        new("listen-metrics-urls", "List of URLs to listen on for the metrics and health endpoints.", (c, v) => c.ListenMetricsUrls = Urls(v)),
        new("quota-backend-bytes", "Raise alarms when backend size exceeds the given quota (0 defaults to low space quota).", (c, v) => c.QuotaBackendBytes = Long(v)),
        new("auto-compaction-mode", "Interpret 'auto-compaction-retention' one of: periodic|revision. 'periodic' for duration based retention, defaulting to hours if no time unit is provided (e.g. '5m'). 'revision' for revision number based retention.", (c, v) => c.AutoCompactionMode = v),
        new("auto-compaction-retention", "Auto compaction retention for mvcc key value store. 0 means disable auto compaction.", (c, v) => c.AutoCompactionRetention = v),
        new("experimental-initial-corrupt-check", "Enable to check data corruption before serving any client/peer traffic.", (c, v) => c.InitialCorruptCheck = Bool(v), IsBool: true),
        new("experimental-corrupt-check-time", "Duration of time between cluster corruption check passes.", (c, v) => c.CorruptCheckTime = GoDuration.Parse(v)),
        new("auth-token", "Specify auth token specific options.", (c, v) => c.AuthToken = v),
        new("auth-token-ttl", "The lifetime in seconds of the auth token.", (c, v) => c.AuthTokenTtl = UInt(v)),
        new("bcrypt-cost", "Specify bcrypt algorithm cost factor for auth password hashing.", (c, v) => c.BcryptCost = UInt(v)),
        new("enable-pprof", "Accepted for compatibility; etcdnet has no Go profiler to expose.", (c, v) => c.EnablePprof = Bool(v), IsBool: true),
        new("config-file", "Path to the server configuration file; flags and environment variables are then ignored.", (c, v) => c.ConfigFile = v),
        new("logger", "'zap' for structured logging ('capnslog' is accepted and logs the same way).", (c, v) => c.Logger = v),
        new("log-level", "Log level: debug, info, warn, error, panic, or fatal.", (c, v) => c.LogLevel = v),
        new("log-outputs", "Comma-separated log targets: 'default', 'stderr', 'stdout', or file paths.", (c, v) => c.LogOutputs = List(v)),
        new("version", "Print the version and exit.", (c, v) => c.ShowVersion = Bool(v), IsBool: true),
    ];

    public static readonly IReadOnlyDictionary<string, Flag> ByName = All.ToDictionary(f => f.Name, StringComparer.Ordinal);

    private static uint UInt(string v) =>
        uint.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException("parse error");

    private static long Long(string v) =>
        long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException("parse error");

    private static ulong ULong(string v) =>
        ulong.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException("parse error");

    private static bool Bool(string v) => v switch
    {
        "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        _ => throw new FormatException("parse error"),
    };

    private static List<string> List(string v) => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    /// <summary>A comma-separated URL list, each checked as etcd's types.NewURLs checks it.</summary>
    private static List<string> Urls(string v)
    {
        var urls = List(v);
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "unix" or "unixs"))
            {
                throw new FormatException($"URL scheme must be http, https, unix, or unixs: {url}");
            }
            if (uri.Scheme is "http" or "https" && (url.IndexOf(':', uri.Scheme.Length + 3) < 0 || uri.AbsolutePath != "/"))
            {
                throw new FormatException(uri.AbsolutePath != "/"
                    ? $"URL must not contain a path: {url}"
                    : $"URL address does not have the form \"host:port\": {url}");
            }
        }
        return urls;
    }
}
