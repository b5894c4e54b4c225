using System.Threading.Channels;
using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Raft.Raftpb;
using EtcdNet.Server.PeerTransport;
using EtcdNet.Server.Raft;
using Microsoft.Extensions.Logging;

namespace EtcdNet.Server.Apply;

/// <summary>
/// Applies what raft committed, in log order, on one thread: client requests to the stores, membership changes to
/// the cluster and back to raft. Each entry's index goes into the same backend write as its effects, so after a
/// crash the entries the WAL replays are applied exactly once (those at or below the stored index are skipped,
/// except that raft must see replayed membership changes again). Callers are woken once their entry is applied.
/// A snapshot from the leader replaces the stores wholesale with the leader's database (<see cref="InstallSnapshot"/>).
/// </summary>
public sealed partial class ApplyLoop : IAsyncDisposable
{
    private readonly Channel<ApplyBatch> _batches = Channel.CreateUnbounded<ApplyBatch>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly EtcdServer _server;
    private readonly Applier _applier;
    private readonly Wait _wait;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private ulong _appliedIndex;
    private ulong _snapshotIndex;
    private readonly SnapshotMetadata? _startSnapshot;
    private TaskCompletionSource _appliedSignal = NewSignal();

    public ApplyLoop(EtcdServer server, Wait wait, ulong snapshotIndex, ILogger logger)
    {
        _server = server;
        _applier = new Applier(server.Kv, server.Lessor, server.Cluster) { Auth = new Auth.AuthApplier(server.AuthStore, server.Lessor, server.Kv) };
        _applier.Gate = server.AlarmGate;
        _wait = wait;
        _logger = logger;
        _appliedIndex = server.Kv.ConsistentIndex;
        _snapshotIndex = snapshotIndex;
        // Read here, on the thread that owns the raft log until the raft loop starts.
        _startSnapshot = server.RaftLog.Memory.Snapshot().Metadata;
        _loop = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    public ulong AppliedIndex => Volatile.Read(ref _appliedIndex);

    /// <summary>The membership raft agreed on, as of the last applied change (stored with each snapshot).</summary>
    public ConfState ConfState { get; set; } = new();

    /// <summary>Queues committed entries; called by the raft thread, never blocks.</summary>
    public void Enqueue(ApplyBatch batch)
    {
        if (!_batches.Writer.TryWrite(batch)) throw Errors.EtcdErrors.Stopped.ToException();
    }

    /// <summary>Completes once every entry up to <paramref name="index"/> is applied.</summary>
    public async Task WaitAppliedAsync(ulong index, CancellationToken ct)
    {
        while (AppliedIndex < index)
        {
            var signal = Volatile.Read(ref _appliedSignal).Task;
            if (AppliedIndex >= index) break;
            await signal.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    private async Task RunAsync()
    {
        var done = new List<(ulong Id, ApplyResult Result)>();
        var reader = _batches.Reader;
        try
        {
            InstallPendingSnapshot();
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                done.Clear();
                ulong last = 0;
                while (reader.TryRead(out var batch))
                {
                    if (batch.Snapshot is { } snapshot && snapshot.Metadata.Index > Math.Max(last, AppliedIndex))
                    {
                        InstallSnapshot(snapshot.Metadata);
                        ConfState = snapshot.Metadata.ConfState?.Clone() ?? new ConfState();
                        last = Math.Max(last, snapshot.Metadata.Index);
                    }
                    foreach (var entry in batch.Entries)
                    {
                        await ApplyEntryAsync(entry, done).ConfigureAwait(false);
                        last = entry.Index;
                    }
                }
                if (last == 0) continue;
                Volatile.Write(ref _appliedIndex, Math.Max(last, AppliedIndex));
                Interlocked.Exchange(ref _appliedSignal, NewSignal()).TrySetResult();
                foreach (var (id, result) in done) _wait.Trigger(id, result);
                MaybeSnapshot(last);
            }
        }
        catch (OperationCanceledException) when (_server.RaftLoop.IsStopped)
        {
            // The raft loop stopped under a membership change being applied: the member is shutting down.
            _wait.FailAll(Errors.EtcdErrors.Stopped.ToException());
        }
        catch (Exception e)
        {
            // A failed apply leaves the stores in an unknown state: stop, as etcd panics.
            LogApplyFailed(_logger, e);
            _batches.Writer.TryComplete(e);
            _wait.FailAll(Errors.EtcdErrors.Stopped.ToException());
        }
    }

    private async Task ApplyEntryAsync(Entry entry, List<(ulong, ApplyResult)> done)
    {
        var alreadyApplied = entry.Index <= _server.Kv.ConsistentIndex;
        switch (entry.Type)
        {
            case EntryType.EntryNormal:
                if (alreadyApplied || entry.Data.IsEmpty) break;
                EtcdNet.Storage.Failpoints.Failpoint.Hit("beforeApplyOneEntryNormal");
                var request = InternalRaftRequest.Parser.ParseFrom(entry.Data);
                // The index goes into the same backend write as the entry's effects.
                _server.Kv.SetConsistentIndex(entry.Index);
                done.Add((request.Header?.ID ?? request.ID, _applier.Apply(request)));
                break;
            case EntryType.EntryConfChange:
                var cc = ConfChange.Parser.ParseFrom(entry.Data);
                EtcdNet.Storage.Failpoints.Failpoint.Hit("beforeApplyOneConfChange");
                ApplyResult result = alreadyApplied ? new ApplyResult(null) : _applier.ApplyConfChange(cc);
                if (result.Error is null)
                {
                    ConfState = await _server.RaftLoop.InvokeAsync(node => node.ApplyConfChange(cc)).ConfigureAwait(false);
                }
                if (!alreadyApplied) _server.Kv.SetConsistentIndex(entry.Index);
                done.Add((cc.Id, result));
                break;
        }
    }

    /// <summary>
    /// etcd's applySnapshot: the leader's database, saved by the transport beside the raft snapshot, becomes this
    /// member's backend; every store reloads from it (leases before the kv store, which re-attaches keys to them),
    /// the members and the transport's peers follow, and watchers catch up from it. Its consistent index is at or
    /// past the snapshot's (the leader commits before it snapshots), so entries after the snapshot that the
    /// database already holds are skipped like replayed ones.
    /// </summary>
    private void InstallSnapshot(SnapshotMetadata metadata)
    {
        var index = metadata.Index;
        var db = SnapshotDbFile.PathFor(SnapshotDirectory, index);
        if (!File.Exists(db))
        {
            // Without the leader's data the stores cannot reach the snapshot's state: stop, as etcd panics.
            throw new InvalidOperationException($"failed to find database snapshot file ({db}) for snapshot index {index}");
        }
        LogApplyingSnapshot(_logger, index, metadata.Term);
        EtcdNet.Storage.Failpoints.Failpoint.Hit("raftBeforeApplySnap");
        _server.Kv.Restore(() =>
        {
            _server.Backend.Restore(db);
            _server.Lessor.Restore();
        });
        _server.Cluster.Reload();
        _server.Alarms.Restore();
        _server.AuthStore.Recover();
        _server.Watchable.OnRestored();
        EtcdNet.Storage.Failpoints.Failpoint.Hit("raftAfterApplySnap");
        _snapshotIndex = index;
        Volatile.Write(ref _appliedIndex, Math.Max(index, AppliedIndex));
        LogAppliedSnapshot(_logger, index, _server.Kv.ConsistentIndex, _server.Kv.CurrentRevision);
    }

    /// <summary>
    /// A snapshot received just before a crash is durable in the raft log but its database was never installed
    /// (the backend is behind it): install it before applying what follows it.
    /// </summary>
    private void InstallPendingSnapshot()
    {
        // ConfState needs nothing: the server took it from the same raft snapshot at start.
        var index = _startSnapshot?.Index ?? 0;
        if (index > _server.Kv.ConsistentIndex && File.Exists(SnapshotDbFile.PathFor(SnapshotDirectory, index)))
        {
            InstallSnapshot(_startSnapshot!);
        }
    }

    private string SnapshotDirectory => Path.Combine(_server.Options.DataDir, "member", "snap");

    /// <summary>
    /// Every --snapshot-count entries: make the backend durable up to here, then let raft snapshot and drop the
    /// log and WAL before it (the backend now holds that state, so the WAL need not).
    /// </summary>
    private void MaybeSnapshot(ulong applied)
    {
        if (applied - _snapshotIndex < (ulong)_server.Options.SnapshotCount) return;
        _snapshotIndex = applied;
        _server.Kv.Commit();
        var confState = ConfState.Clone();
        var data = Google.Protobuf.ByteString.Empty;
        var options = _server.Options;
        _server.RaftLoop.Post(_ => _server.RaftLog.Snapshot(
            applied, confState, data, (ulong)options.SnapshotCatchUpEntries, options.MaxSnapshots, options.MaxWals));
        LogSnapshot(_logger, applied);
    }

    public async ValueTask DisposeAsync()
    {
        _batches.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Critical, Message = "failed to apply committed entries; stopping the apply loop")]
    private static partial void LogApplyFailed(ILogger logger, Exception error);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "applying snapshot snapshot-index={SnapshotIndex} snapshot-term={SnapshotTerm}")]
    private static partial void LogApplyingSnapshot(ILogger logger, ulong snapshotIndex, ulong snapshotTerm);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "applied snapshot snapshot-index={SnapshotIndex} consistent-index={ConsistentIndex} revision={Revision}")]
    private static partial void LogAppliedSnapshot(ILogger logger, ulong snapshotIndex, ulong consistentIndex, long revision);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "triggering snapshot applied-index={AppliedIndex}")]
    private static partial void LogSnapshot(ILogger logger, ulong appliedIndex);
}
