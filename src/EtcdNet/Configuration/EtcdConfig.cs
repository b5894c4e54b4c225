using EtcdNet.Server;

namespace EtcdNet.Configuration;

/// <summary>
/// The member's configuration as etcd names it: one property per flag. Flags, ETCD_* variables and
/// --config-file keys all land here through <see cref="EtcdFlags"/>; <see cref="ToServerOptions"/> checks it with
/// etcd's messages and turns it into what the server library sees.
/// </summary>
public sealed class EtcdConfig
{
    public const string DefaultName = "default";

    public string Name { get; set; } = DefaultName;
    public string DataDir { get; set; } = "";
    public List<string> ListenClientUrls { get; set; } = ["http://localhost:2379"];
    public List<string> AdvertiseClientUrls { get; set; } = ["http://localhost:2379"];
    public List<string> ListenPeerUrls { get; set; } = ["http://localhost:2380"];
    public List<string> InitialAdvertisePeerUrls { get; set; } = ["http://localhost:2380"];
    public string InitialCluster { get; set; } = "";
    public string InitialClusterToken { get; set; } = "etcd-cluster";
    public string InitialClusterState { get; set; } = "new";
    public uint HeartbeatIntervalMs { get; set; } = 100;
    public uint ElectionTimeoutMs { get; set; } = 1000;
    public ulong SnapshotCount { get; set; } = 100000;
    public ulong SnapshotCatchUpEntries { get; set; } = 5000;
    public uint MaxSnapshots { get; set; } = 5;
    public uint MaxWals { get; set; } = 5;
    public uint MaxTxnOps { get; set; } = 128;
    public uint MaxRequestBytes { get; set; } = 1572864;
    public TimeSpan WatchProgressNotifyInterval { get; set; } = TimeSpan.FromMinutes(10);
    public bool StrictReconfigCheck { get; set; } = true;
    public long QuotaBackendBytes { get; set; }
    public string AutoCompactionMode { get; set; } = "periodic";
    public string AutoCompactionRetention { get; set; } = "0";
    public bool InitialCorruptCheck { get; set; }
    public TimeSpan CorruptCheckTime { get; set; }
    public string AuthToken { get; set; } = "simple";
    public uint AuthTokenTtl { get; set; } = 300;
    public uint BcryptCost { get; set; } = 10;
    public bool EnablePprof { get; set; }
    public string Metrics { get; set; } = "basic";
    public List<string> ListenMetricsUrls { get; set; } = [];
    public string ConfigFile { get; set; } = "";
    public string Logger { get; set; } = "zap";
    public string LogLevel { get; set; } = "info";
    public List<string> LogOutputs { get; set; } = ["default"];
    public bool ShowVersion { get; set; }

    /// <summary>Checks the combination as etcd does at start and builds the library's options.</summary>
    public ServerOptions ToServerOptions()
    {
        if (HeartbeatIntervalMs == 0) throw Invalid($"--heartbeat-interval must be >0 (set to {HeartbeatIntervalMs}ms)");
        if (ElectionTimeoutMs == 0) throw Invalid($"--election-timeout must be >0 (set to {ElectionTimeoutMs}ms)");
        if (5 * HeartbeatIntervalMs > ElectionTimeoutMs)
        {
            throw Invalid($"--election-timeout[{ElectionTimeoutMs}ms] should be at least as 5 times as --heartbeat-interval[{HeartbeatIntervalMs}ms]");
        }
        if (ElectionTimeoutMs > 50000)
        {
            throw Invalid($"--election-timeout[{ElectionTimeoutMs}ms] is too long, and should be set less than 50000ms");
        }
        if (WatchProgressNotifyInterval <= TimeSpan.Zero)
        {
            throw Invalid($"--experimental-watch-progress-notify-interval must be >0 (set to {WatchProgressNotifyInterval})");
        }
        if (InitialClusterState is not ("new" or "existing"))
        {
            throw Invalid($"unexpected clusterState \"{InitialClusterState}\"");
        }
        if (Metrics is not ("basic" or "extensive"))
        {
            throw Invalid($"unknown metrics type \"{Metrics}\" (basic or extensive)");
        }
        CheckInitialCluster();

        return new ServerOptions
        {
            Name = Name,
            DataDir = string.IsNullOrEmpty(DataDir) ? $"{Name}.etcd" : DataDir,
            ListenClientUrls = ListenClientUrls,
            AdvertiseClientUrls = AdvertiseClientUrls,
            ListenPeerUrls = ListenPeerUrls,
            InitialAdvertisePeerUrls = InitialAdvertisePeerUrls,
            InitialCluster = EffectiveInitialCluster,
            InitialClusterToken = InitialClusterToken,
            InitialClusterState = InitialClusterState,
            HeartbeatInterval = TimeSpan.FromMilliseconds(HeartbeatIntervalMs),
            ElectionTimeout = TimeSpan.FromMilliseconds(ElectionTimeoutMs),
            SnapshotCount = checked((long)SnapshotCount),
            SnapshotCatchUpEntries = checked((long)SnapshotCatchUpEntries),
            MaxSnapshots = checked((int)MaxSnapshots),
            MaxWals = checked((int)MaxWals),
            MaxTxnOps = checked((int)MaxTxnOps),
            WatchProgressNotifyInterval = WatchProgressNotifyInterval,
            StrictReconfigCheck = StrictReconfigCheck,
            MaxRequestBytes = checked((int)MaxRequestBytes),
            Metrics = Metrics,
            ListenMetricsUrls = ListenMetricsUrls,
            QuotaBackendBytes = QuotaBackendBytes,
            AutoCompactionMode = AutoCompactionMode,
            AutoCompactionRetention = AutoCompactionRetention,
            InitialCorruptCheck = InitialCorruptCheck,
            CorruptCheckTime = CorruptCheckTime,
            AuthToken = AuthToken,
            AuthTokenTtl = TimeSpan.FromSeconds(AuthTokenTtl),
            BcryptCost = checked((int)BcryptCost),
        };
    }

    /// <summary>Unset, the initial cluster is this member alone at its advertised peer URLs (etcd's default).</summary>
    private string EffectiveInitialCluster => string.IsNullOrEmpty(InitialCluster)
        ? string.Join(',', InitialAdvertisePeerUrls.Select(u => $"{Name}={u}"))
        : InitialCluster;

    private void CheckInitialCluster()
    {
        var members = EffectiveInitialCluster.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('=', 2))
            .ToList();
        if (members.Any(m => m.Length != 2))
        {
            throw Invalid($"--initial-cluster \"{InitialCluster}\" must be a comma-separated list of name=peer-url");
        }
        var mine = members.Where(m => m[0] == Name).Select(m => m[1]).ToHashSet(StringComparer.Ordinal);
        if (!InitialAdvertisePeerUrls.All(mine.Contains))
        {
            throw Invalid($"--initial-cluster has {Name}={string.Join(',', mine)} but missing from --initial-advertise-peer-urls={string.Join(',', InitialAdvertisePeerUrls)}");
        }
    }

    private static FlagException Invalid(string reason) => new($"error verifying flags, {reason}. See 'etcd --help'.");
}
