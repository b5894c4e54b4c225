using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Lease;
using EtcdNet.Mvcc;
using EtcdNet.Mvcc.Watch;
using EtcdNet.Server.Adapters;
using EtcdNet.Server.Apply;
using EtcdNet.Server.Errors;
using EtcdNet.Server.Membership;
using Member = EtcdNet.Server.Membership.Member;
using EtcdNet.Storage;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace EtcdNet.Server;

/// <summary>
/// One etcd member: owns the backend and the stores, turns client writes into proposals, waits for them to be
/// applied, and answers reads at the right point of the log.
/// </summary>
public sealed partial class EtcdServer : IAsyncDisposable
{
    /// <summary>The etcd release whose API this server speaks (Status.version, /version).</summary>
    public const string Version = "3.5.0";

    /// <summary>The raft term of the single-member log; raft proper brings elections and real terms.</summary>
    private const ulong Term = 1;

    private readonly Backend _backend;
    private readonly Wait _wait = new();
    private readonly ApplyLoop _apply;
    private readonly RequestIdGenerator _ids;
    private readonly ILogger _logger;

    private readonly LeaseExpiry _leaseExpiry;

    private EtcdServer(ServerOptions options, Backend backend, Lessor lessor, KvStore kv, Member self, ulong clusterId, TimeProvider time, ILogger logger)
    {
        Options = options;
        _backend = backend;
        Lessor = lessor;
        Kv = kv;
        LocalMember = self;
        ClusterId = clusterId;
        _logger = logger;
        _ids = new RequestIdGenerator(self.Id, DateTimeOffset.UtcNow);
        _apply = new ApplyLoop(kv, lessor, _wait, logger);
        // A single member is always the leader, so it is the primary lessor from the start.
        lessor.Promote(options.ElectionTimeout);
        _leaseExpiry = new LeaseExpiry(this, time, logger);
    }

    public ServerOptions Options { get; }

    public KvStore Kv { get; }

    /// <summary>The watchers over <see cref="Kv"/> (the Watch service's store).</summary>
    public WatchableStore Watchable => (WatchableStore)Kv.Observer!;

    public Lessor Lessor { get; }

    public Member LocalMember { get; }

    public ulong MemberId => LocalMember.Id;

    public ulong ClusterId { get; }

    public IReadOnlyList<Member> Members => [LocalMember];

    public ulong RaftTerm => Term;

    public ulong LeaderId => LocalMember.Id;

    public ulong CommittedIndex => _apply.CommittedIndex;

    public ulong AppliedIndex => _apply.AppliedIndex;

    public long DbSize => _backend.Size;

    public long DbSizeInUse => _backend.SizeInUse;

    /// <summary>Opens (or creates) the member's data dir in etcd's layout and starts applying.</summary>
    public static EtcdServer Start(ServerOptions options, ILoggerFactory loggers, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var logger = loggers.CreateLogger("etcdserver");
        var snapDir = Path.Combine(options.DataDir, "member", "snap");
        Directory.CreateDirectory(snapDir);
        var backend = Backend.Open(Path.Combine(snapDir, "db"), new BackendOptions
        {
            BatchInterval = options.BackendBatchInterval,
            BatchLimit = options.BackendBatchLimit,
        });
        // The lessor is restored first: reopening the kv store attaches each key to its lease again.
        var lessor = new Lessor(backend, time, new LessorOptions { MinTtl = MinLeaseTtl(options) });
        var kvOptions = new KvStoreOptions { Leases = new LeaseCheckerAdapter(lessor) };
        var kv = new KvStore(backend, kvOptions);
        // Watchers hear every applied write from here on; history before now comes from the backend.
        kvOptions.Observer = new WatchableStore(kv);
        var self = new Member(
            Member.ComputeId(options.InitialAdvertisePeerUrls, options.InitialClusterToken),
            options.Name,
            options.InitialAdvertisePeerUrls,
            options.AdvertiseClientUrls,
            IsLearner: false);
        var clusterId = Member.ComputeClusterId([self.Id]);
        LogStarted(logger, $"{self.Id:x}", $"{clusterId:x}", kv.CurrentRevision, kv.ConsistentIndex);
        return new EtcdServer(options, backend, lessor, kv, self, clusterId, time, logger);
    }

    /// <summary>etcd's minimum lease TTL: 1.5 election timeouts, rounded up to whole seconds.</summary>
    private static long MinLeaseTtl(ServerOptions options) =>
        (long)Math.Ceiling(1.5 * options.ElectionTimeout.TotalSeconds);

    /// <summary>A fresh lease id for a grant that did not choose one (etcd draws it from the request ids).</summary>
    public long NextLeaseId()
    {
        long id;
        do
        {
            id = (long)(_ids.Next() & long.MaxValue);
        }
        while (id == 0);
        return id;
    }

    /// <summary>Sets the header fields every response carries (etcd's header.fill).</summary>
    public void FillHeader(ResponseHeader header)
    {
        header.ClusterId = ClusterId;
        header.MemberId = MemberId;
        header.RaftTerm = RaftTerm;
        if (header.Revision == 0) header.Revision = Kv.CurrentRevision;
    }

    /// <summary>The header of membership answers, which (as in etcd) carry no revision.</summary>
    public ResponseHeader MembershipHeader() => new() { ClusterId = ClusterId, MemberId = MemberId, RaftTerm = RaftTerm };

    public ResponseHeader NewHeader()
    {
        var header = new ResponseHeader();
        FillHeader(header);
        return header;
    }

    /// <summary>
    /// Proposes a request and waits until it is applied; the result's error (if any) is thrown for the caller.
    /// </summary>
    public async Task<ApplyResult> ProposeAsync(InternalRaftRequest request, CancellationToken ct)
    {
        var id = _ids.Next();
        request.Header = new RequestHeader { ID = id };
        var data = request.ToByteArray();
        if (data.Length > Options.MaxRequestBytes) throw EtcdErrors.RequestTooLarge.ToException();

        var applied = _wait.Register(id);
        _apply.Propose(data);
        ApplyResult result;
        try
        {
            result = await applied.WaitAsync(Options.RequestTimeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _wait.Forget(id);
            throw EtcdErrors.Timeout.ToException();
        }
        catch (OperationCanceledException)
        {
            _wait.Forget(id);
            throw;
        }
        if (result.Error is { } error) throw error;
        return result;
    }

    /// <summary>
    /// Waits until everything committed when the read arrived is applied, so the read observes every write
    /// acknowledged before it (etcd's ReadIndex; with one member the commit index is local).
    /// </summary>
    public Task LinearizableReadAsync(CancellationToken ct) =>
        _apply.WaitAppliedAsync(_apply.CommittedIndex, ct).WaitAsync(Options.RequestTimeout, ct);

    public async ValueTask DisposeAsync()
    {
        await _leaseExpiry.DisposeAsync().ConfigureAwait(false);
        await _apply.DisposeAsync().ConfigureAwait(false);
        _wait.FailAll(EtcdErrors.Stopped.ToException());
        Watchable.Dispose();
        Kv.Dispose();
        _backend.Dispose();
    }

    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "starting etcd member local-member-id={LocalMemberId} cluster-id={ClusterId} current-revision={Revision} consistent-index={ConsistentIndex}")]
    private static partial void LogStarted(ILogger logger, string localMemberId, string clusterId, long revision, ulong consistentIndex);
}
