using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Mvcc;
using EtcdNet.Server.Alarm;
using EtcdNet.Server.Compaction;
using EtcdNet.Server.Corruption;
using EtcdNet.Server.Metrics;
using EtcdNet.Server.Quota;
using Microsoft.Extensions.Logging;

namespace EtcdNet.Server;

/// <summary>
/// The operator's safeguards: alarms and the gates they put on the applier, the space quota, the corruption checks
/// and auto compaction. Built before raft starts (the initial corruption check runs before anything is served);
/// the background loops stop with the server.
/// </summary>
public sealed partial class EtcdServer : ICompactable
{
    private readonly List<Task> _operations = [];

    /// <summary>The raised alarms (Maintenance.Alarm, Status.errors, /health).</summary>
    public AlarmStore Alarms { get; private set; } = null!;

    /// <summary>The applier's alarm and quota gates.</summary>
    public AlarmGate AlarmGate { get; private set; } = null!;

    /// <summary>Checks puts, txns and lease grants against --quota-backend-bytes before they are proposed.</summary>
    public QuotaAlarmer QuotaAlarmer { get; private set; } = null!;

    /// <summary>The leader's periodic hash comparison, when --experimental-corrupt-check-time is set.</summary>
    public CorruptionChecker CorruptionChecker { get; private set; } = null!;

    long ICompactable.CurrentRevision => Kv.CurrentRevision;

    async Task ICompactable.CompactAsync(long revision, CancellationToken ct)
    {
        try
        {
            await ProposeAsync(new InternalRaftRequest { Compaction = new CompactionRequest { Revision = revision } }, ct).ConfigureAwait(false);
        }
        catch (CompactedException)
        {
            // Someone compacted past it already: as good as done.
        }
    }

    /// <summary>
    /// Restores the alarms, sets up the quota and, for a member restarting from its own data, runs the initial
    /// corruption check; on a bad compaction flag or a failed check the stores are closed and the start fails with
    /// etcd's message.
    /// </summary>
    private void StartOperations(bool restarted)
    {
        try
        {
            BuildOperations(restarted);
        }
        catch
        {
            // Nothing is served yet: close what start opened, so the data dir is free for the next try.
            AuthStore.Dispose();
            Watchable.Dispose();
            Kv.Dispose();
            RaftLog.Dispose();
            _backend.Dispose();
            throw;
        }
    }

    private void BuildOperations(bool restarted)
    {
        var autoCompaction = AutoCompaction.Parse(Options.AutoCompactionMode, Options.AutoCompactionRetention);
        Alarms = new AlarmStore(_backend, _logger);
        var quota = new BackendQuota(Options.QuotaBackendBytes, () => _backend.Size);
        quota.LogConfiguration(_logger, Options.QuotaBackendBytes);
        AlarmGate = new AlarmGate(Alarms, quota);
        QuotaAlarmer = new QuotaAlarmer(quota, MemberId, (request, ct) => ProposeAsync(request, ct));
        Metrics.Registry.Register(new CallbackFamily("etcd_debugging_server_alarms",
            "Alarms for every member in cluster. 1 for 'server_id' label with current ID. 2 for 'alarm_type' label with type of this alarm",
            MetricType.Gauge, ["server_id", "alarm_type"],
            () => Alarms.Get(AlarmType.None).Select(a => (new[] { EtcdMetrics.MemberIdLabel(a.MemberID), AlarmStore.AlarmName(a.Alarm) }, 1.0))));

        CorruptionChecker = new CorruptionChecker(MemberId, Kv.HashByRevision,
            new PeerUrlHashSource(Cluster, Options.RequestTimeout, _logger),
            LinearizableReadAsync,
            (alarm, ct) => ProposeAsync(new InternalRaftRequest { Alarm = alarm }, ct),
            _logger);
        if (restarted && Options.InitialCorruptCheck)
        {
            CorruptionChecker.CheckInitialAsync(Options.RequestTimeout, CancellationToken.None).GetAwaiter().GetResult();
        }

        bool IsLeader() => RaftLoop is { IsLeader: true };
        if (Options.CorruptCheckTime > TimeSpan.Zero)
        {
            _operations.Add(CorruptionChecker.MonitorAsync(Options.CorruptCheckTime, _time, IsLeader, _stopping.Token));
        }
        if (autoCompaction.Enabled)
        {
            _operations.Add(autoCompaction.Mode == AutoCompaction.ModeRevision
                ? new RevisionCompactor(autoCompaction.Revisions, this, _time, IsLeader, _logger).RunAsync(_stopping.Token)
                : new PeriodicCompactor(autoCompaction.Period, this, _time, IsLeader, _logger).RunAsync(_stopping.Token));
        }
    }

    /// <summary>Waits for the compactor and the corruption monitor, which end once the server is stopping.</summary>
    private async Task StopOperationsAsync()
    {
        try
        {
            await Task.WhenAll(_operations).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// etcd's HashKV: the key space's checksum up to a revision, equal on members with the same history. Served to
    /// clients by the Maintenance service and to peers on the peer listener (for the corruption checks).
    /// </summary>
    public async Task<HashKVResponse> HashKVAsync(long revision, CancellationToken ct)
    {
        KvHash hash = await Task.Run(() => Kv.HashByRevision(revision), ct).ConfigureAwait(false);
        var header = new ResponseHeader { Revision = hash.Revision };
        FillHeader(header);
        return new HashKVResponse { Header = header, Hash = hash.Hash, CompactRevision = hash.CompactRevision };
    }
}
