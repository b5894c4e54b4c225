using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Auth;
using EtcdNet.Lease;
using EtcdNet.Mvcc;
using EtcdNet.Mvcc.Watch;
using EtcdNet.Raft;
using EtcdNet.Server.Adapters;
using EtcdNet.Server.Apply;
using EtcdNet.Server.Membership;
using EtcdNet.Server.Metrics;
using EtcdNet.Server.PeerTransport;
using EtcdNet.Server.Raft;
using EtcdNet.Storage;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Member = EtcdNet.Server.Membership.Member;

namespace EtcdNet.Server;

public sealed partial class EtcdServer
{
    private EtcdServer(ServerOptions options, EtcdMetrics metrics, Backend backend, DurableRaftLog log, Lessor lessor, KvStore kv, RaftCluster cluster, TimeProvider time, ILogger logger)
    {
        Options = options;
        Metrics = metrics;
        _backend = backend;
        RaftLog = log;
        Lessor = lessor;
        Kv = kv;
        Cluster = cluster;
        _time = time;
        _logger = logger;
        _ids = new RequestIdGenerator(cluster.LocalId, time.GetUtcNow());
    }

    /// <summary>
    /// Opens (or creates) the member's data dir in etcd's layout (member/wal, member/snap/db) and starts raft and
    /// the apply loop. A data dir with a WAL restarts that member and ignores the --initial-* flags, as etcd does;
    /// otherwise a new cluster is bootstrapped from --initial-cluster.
    /// </summary>
    public static EtcdServer Start(ServerOptions options, ILoggerFactory loggers, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        // Bad --auto-compaction-* flags fail start before anything is created, as in etcd.
        Compaction.AutoCompaction.Parse(options.AutoCompactionMode, options.AutoCompactionRetention);
        var logger = loggers.CreateLogger("etcdserver");
        var memberDir = Path.Combine(options.DataDir, "member");
        Directory.CreateDirectory(Path.Combine(memberDir, "snap"));

        DurableRaftLog log;
        IReadOnlyList<Member>? bootstrap = null;
        IReadOnlyList<Member> peers = [];
        if (DurableRaftLog.Exists(memberDir))
        {
            log = DurableRaftLog.Open(memberDir);
        }
        else if (options.InitialClusterState == "existing")
        {
            // Joining: the running members say which cluster this is; this member must have been added to it.
            var named = InitialMembers(options);
            var remote = RemoteCluster.FetchAsync(
                named.Where(m => m.Name != options.Name).SelectMany(m => m.PeerUrls), TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
            var self = remote.Members.FirstOrDefault(m => m.PeerUrls.Intersect(options.InitialAdvertisePeerUrls).Any())
                ?? throw new InvalidOperationException("member has not been added to the cluster: add it with 'etcdctl member add' first");
            log = DurableRaftLog.Create(memberDir, new Metadata { NodeID = self.Id, ClusterID = remote.ClusterId });
            peers = remote.Members;
        }
        else
        {
            bootstrap = InitialMembers(options);
            var self = bootstrap.FirstOrDefault(m => m.Name == options.Name)
                ?? throw new InvalidOperationException($"couldn't find local name \"{options.Name}\" in the initial cluster configuration");
            var metadata = new Metadata { NodeID = self.Id, ClusterID = Member.ComputeClusterId(bootstrap.Select(m => m.Id)) };
            log = DurableRaftLog.Create(memberDir, metadata);
        }

        // A bad --auth-token fails start before anything is opened ("auth: invalid auth options").
        var tokens = TokenProviders.Create(options.AuthToken, options.AuthTokenTtl, time);
        var metrics = new EtcdMetrics(extensive: options.Metrics == "extensive");
        var backend = Backend.Open(Path.Combine(memberDir, "snap", "db"), new BackendOptions
        {
            BatchInterval = options.BackendBatchInterval,
            BatchLimit = options.BackendBatchLimit,
            CommitObserved = metrics.BackendCommit.Observe,
        });
        // The lessor is restored first: reopening the kv store attaches each key to its lease again.
        var lessor = new Lessor(backend, time, new LessorOptions { MinTtl = MinLeaseTtl(options) });
        var kvOptions = new KvStoreOptions { Leases = new LeaseCheckerAdapter(lessor) };
        var kv = new KvStore(backend, kvOptions);
        // Watchers hear every applied write from here on; history before now comes from the backend.
        kvOptions.Observer = new WatchableStore(kv, new WatchableStoreOptions { ProgressNotifyInterval = options.WatchProgressNotifyInterval });
        var cluster = new RaftCluster(backend, log.Metadata.NodeID, log.Metadata.ClusterID);
        LogStarted(logger, $"{cluster.LocalId:x}", $"{cluster.ClusterId:x}", kv.CurrentRevision, kv.ConsistentIndex);

        var server = new EtcdServer(options, metrics, backend, log, lessor, kv, cluster, time, logger);
        server.AuthStore = new AuthStore(backend, tokens, BcryptCost(options, logger), time);
        metrics.Bind(server);
        // A restarted member (its WAL was there) checks its data against its peers' before serving.
        server.StartOperations(restarted: bootstrap is null && peers.Count == 0);
        server.StartRaft(bootstrap, peers);
        return server;
    }

    private void StartRaft(IReadOnlyList<Member>? bootstrap, IReadOnlyList<Member> joinedPeers)
    {
        StartTransport();
        SyncPeers(bootstrap ?? (joinedPeers.Count > 0 ? joinedPeers : Cluster.Members));
        var electionTicks = (int)Math.Max(1, Options.ElectionTimeout / Options.HeartbeatInterval);
        var node = new RaftNode(new RaftConfig
        {
            Id = Cluster.LocalId,
            ElectionTick = electionTicks,
            HeartbeatTick = 1,
            Storage = RaftLog.Memory,
            CheckQuorum = true,
            PreVote = true,
            MaxSizePerMsg = 1024 * 1024,
            MaxInflightMsgs = 512,
        });
        if (bootstrap is not null)
        {
            node.Bootstrap(bootstrap.Select(m => (m.Id, (ByteString?)RaftCluster.ToProto(m).ToByteString())).ToList());
        }
        var (_, confState) = RaftLog.Memory.InitialState();
        _apply = new ApplyLoop(this, _wait, RaftLog.Memory.Snapshot().Metadata.Index, _logger) { ConfState = confState };
        RaftLoop = new RaftLoop(node, RaftLog, this, Options.HeartbeatInterval, _logger) { Metrics = Metrics };
        RaftLoop.Start();

        // A member that is the only voter need not wait out an election timeout to lead itself; raft lets it
        // campaign once the membership entries it holds are applied.
        var voters = bootstrap?.Select(m => m.Id).ToList() ?? confState.Voters.ToList();
        if (voters.Count == 1 && voters[0] == Cluster.LocalId)
        {
            var committed = bootstrap is not null ? (ulong)bootstrap.Count : RaftLog.Memory.HardState.Commit;
            _ = CampaignWhenAppliedAsync(committed);
        }

        _leaseExpiry = new LeaseExpiry(this, _time, _logger);
        _ = PublishAsync();
    }

    private async Task CampaignWhenAppliedAsync(ulong index)
    {
        try
        {
            await _apply.WaitAppliedAsync(index, _stopping.Token).ConfigureAwait(false);
            if (LeaderId == 0) RaftLoop.Post(n => n.Campaign());
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The members --initial-cluster names (name=url,...; a name may repeat for several URLs).</summary>
    private static IReadOnlyList<Member> InitialMembers(ServerOptions options)
    {
        var text = string.IsNullOrEmpty(options.InitialCluster)
            ? string.Join(',', options.InitialAdvertisePeerUrls.Select(u => $"{options.Name}={u}"))
            : options.InitialCluster;
        return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(entry => entry.Split('=', 2))
            .GroupBy(pair => pair[0], pair => pair[1])
            .Select(g => new Member(Member.ComputeId(g, options.InitialClusterToken), g.Key, g.ToList(),
                g.Key == options.Name ? options.AdvertiseClientUrls : [], IsLearner: false))
            .ToList();
    }

    /// <summary>
    /// Tells the cluster this member's name and client URLs through raft, retrying until it is applied (etcd's
    /// "published local member to cluster through raft").
    /// </summary>
    private async Task PublishAsync()
    {
        var request = new Api.Membershippb.ClusterMemberAttrSetRequest
        {
            MemberID = MemberId,
            MemberAttributes = new Api.Membershippb.Attributes { Name = Options.Name },
        };
        request.MemberAttributes.ClientUrls.AddRange(Options.AdvertiseClientUrls);
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await ProposeAsync(new InternalRaftRequest { ClusterMemberAttrSet = request }, _stopping.Token).ConfigureAwait(false);
                LogPublished(_logger, $"{MemberId:x}", Options.Name);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), _stopping.Token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A --bcrypt-cost outside bcrypt's [4, 31] falls back to the default with a warning, as etcd does.</summary>
    private static int BcryptCost(ServerOptions options, ILogger logger)
    {
        if (options.BcryptCost is >= MinBcryptCost and <= MaxBcryptCost) return options.BcryptCost;
        LogBcryptCostInvalid(logger, DefaultBcryptCost, options.BcryptCost);
        return DefaultBcryptCost;
    }

    private const int MinBcryptCost = 4;
    private const int MaxBcryptCost = 31;
    private const int DefaultBcryptCost = 10;

    /// <summary>etcd's minimum lease TTL: 1.5 election timeouts, rounded up to whole seconds.</summary>
    private static long MinLeaseTtl(ServerOptions options) =>
        (long)Math.Ceiling(1.5 * options.ElectionTimeout.TotalSeconds);

    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "starting etcd member local-member-id={LocalMemberId} cluster-id={ClusterId} current-revision={Revision} consistent-index={ConsistentIndex}")]
    private static partial void LogStarted(ILogger logger, string localMemberId, string clusterId, long revision, ulong consistentIndex);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "Use default bcrypt-cost {DefaultCost} instead of the invalid value {Cost}")]
    private static partial void LogBcryptCostInvalid(ILogger logger, int defaultCost, int cost);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "published local member to cluster through raft local-member-id={LocalMemberId} name={Name}")]
    private static partial void LogPublished(ILogger logger, string localMemberId, string name);
}
