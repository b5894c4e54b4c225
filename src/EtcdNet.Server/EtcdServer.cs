using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Lease;
using EtcdNet.Mvcc;
using EtcdNet.Mvcc.Watch;
using EtcdNet.Server.Apply;
using EtcdNet.Server.Errors;
using EtcdNet.Server.Membership;
using EtcdNet.Server.Metrics;
using EtcdNet.Server.Raft;
using EtcdNet.Storage;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Member = EtcdNet.Server.Membership.Member;

namespace EtcdNet.Server;

/// <summary>
/// One etcd member: owns the backend and the stores, turns client writes into raft proposals, waits for them to be
/// applied, and answers reads at the right point of the log.
/// </summary>
public sealed partial class EtcdServer : IAsyncDisposable
{
    /// <summary>The etcd release whose API this server speaks (Status.version, /version).</summary>
    public const string Version = "3.5.0";

    private readonly Backend _backend;
    private readonly Wait _wait = new();
    private readonly RequestIdGenerator _ids;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private ApplyLoop _apply = null!;
    private LeaseExpiry _leaseExpiry = null!;

    /// <summary>Expired leases this member proposed to revoke while it led.</summary>
    public long LeasesExpiredTotal => _leaseExpiry?.ExpiredTotal ?? 0;

    public ServerOptions Options { get; }

    /// <summary>What /metrics exposes for this member.</summary>
    public EtcdMetrics Metrics { get; }

    public KvStore Kv { get; }

    /// <summary>The watchers over <see cref="Kv"/> (the Watch service's store).</summary>
    public WatchableStore Watchable => (WatchableStore)Kv.Observer!;

    public Lessor Lessor { get; }

    /// <summary>The members as applied from the log.</summary>
    public RaftCluster Cluster { get; }

    public RaftLoop RaftLoop { get; private set; } = null!;

    public DurableRaftLog RaftLog { get; }

    public ulong MemberId => Cluster.LocalId;

    public ulong ClusterId => Cluster.ClusterId;

    public Member LocalMember => Cluster.Get(MemberId) ?? new Member(MemberId, Options.Name, Options.InitialAdvertisePeerUrls, [], false);

    public IReadOnlyList<Member> Members => Cluster.Members;

    /// <summary>True while this member is a non-voting learner.</summary>
    public bool IsLearner => Cluster.Get(MemberId)?.IsLearner ?? false;

    public ulong RaftTerm => RaftLoop.Term;

    public ulong LeaderId => RaftLoop.Leader;

    public ulong CommittedIndex => RaftLoop.CommittedIndex;

    public ulong AppliedIndex => _apply.AppliedIndex;

    public long DbSize => _backend.Size;

    public long DbSizeInUse => _backend.SizeInUse;

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

    public ulong NextRequestId() => _ids.Next();

    /// <summary>
    /// Proposes a request through raft and waits until this member applied it; the result's error (if any) is
    /// thrown for the caller. Without a leader the proposal is dropped and the caller times out, as in etcd.
    /// </summary>
    public async Task<ApplyResult> ProposeAsync(InternalRaftRequest request, CancellationToken ct)
    {
        var id = _ids.Next();
        // The caller may have stamped who asks (WithAuth); the id is always this member's own.
        request.Header = new RequestHeader { ID = id, Username = request.Header?.Username ?? "", AuthRevision = request.Header?.AuthRevision ?? 0 };
        var data = request.ToByteArray();
        if (data.Length > Options.MaxRequestBytes) throw EtcdErrors.RequestTooLarge.ToException();

        Metrics.ProposalsPending.Inc();
        ApplyResult result;
        try
        {
            await WaitForLeaderAsync(id, ct).ConfigureAwait(false);
            var applied = _wait.Register(id);
            RaftLoop.Propose(data);
            result = await WaitAppliedAsync(id, applied, ct).ConfigureAwait(false);
        }
        catch
        {
            // Not applied in time (no leader, timeout, caller gone): etcd counts these as failed proposals.
            Metrics.ProposalsFailed.Inc();
            throw;
        }
        finally
        {
            Metrics.ProposalsPending.Dec();
        }
        if (result.Error is { } error) throw error;
        return result;
    }

    /// <summary>Proposes a request whose apply answers <typeparamref name="T"/>, and fills that answer's header.</summary>
    public async ValueTask<T> ProposeAsync<T>(InternalRaftRequest request, Func<T, ResponseHeader> header, CancellationToken ct)
        where T : class
    {
        var result = await ProposeAsync(request, ct).ConfigureAwait(false);
        var response = (T)result.Response!;
        FillHeader(header(response));
        return response;
    }

    /// <summary>Proposes a membership change and waits until it is applied here.</summary>
    public async Task ProposeConfChangeAsync(EtcdNet.Raft.Raftpb.ConfChange cc, CancellationToken ct)
    {
        cc.Id = _ids.Next();
        await WaitForLeaderAsync(cc.Id, ct).ConfigureAwait(false);
        var applied = _wait.Register(cc.Id);
        RaftLoop.Post(node => node.ProposeConfChange(cc));
        var result = await WaitAppliedAsync(cc.Id, applied, ct).ConfigureAwait(false);
        if (result.Error is { } error) throw error;
    }

    /// <summary>Without a leader a proposal would be dropped: wait for one, within the request timeout.</summary>
    private async Task WaitForLeaderAsync(ulong id, CancellationToken ct)
    {
        if (LeaderId != 0) return;
        try
        {
            await WaitForLeaderAsync(ct).WaitAsync(Options.RequestTimeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw EtcdErrors.TimeoutDueToLeaderFail.ToException();
        }
    }

    private async Task<ApplyResult> WaitAppliedAsync(ulong id, Task<ApplyResult> applied, CancellationToken ct)
    {
        try
        {
            return await applied.WaitAsync(Options.RequestTimeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _wait.Forget(id);
            throw (LeaderId == 0 ? EtcdErrors.TimeoutDueToLeaderFail : EtcdErrors.Timeout).ToException();
        }
        catch (OperationCanceledException)
        {
            _wait.Forget(id);
            throw;
        }
    }

    /// <summary>
    /// Waits until this member has applied everything the leader had committed when the read arrived, so the read
    /// observes every write acknowledged before it (etcd's ReadIndex).
    /// </summary>
    public async Task LinearizableReadAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Options.RequestTimeout);
        try
        {
            var index = await RaftLoop.ReadIndexAsync(timeout.Token).ConfigureAwait(false);
            await _apply.WaitAppliedAsync(index, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw EtcdErrors.Timeout.ToException();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        await StopOperationsAsync().ConfigureAwait(false);
        await _leaseExpiry.DisposeAsync().ConfigureAwait(false);
        await RaftLoop.DisposeAsync().ConfigureAwait(false);
        await Transport.DisposeAsync().ConfigureAwait(false);
        _leaseForwarding?.Dispose();
        await _apply.DisposeAsync().ConfigureAwait(false);
        _wait.FailAll(EtcdErrors.Stopped.ToException());
        Watchable.Dispose();
        Kv.Commit();
        Kv.Dispose();
        AuthStore.Dispose();
        RaftLog.Dispose();
        _backend.Dispose();
    }
}
