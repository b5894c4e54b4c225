using System.Threading.Channels;
using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Raft.Raftpb;
using EtcdNet.Server.Raft;
using Microsoft.Extensions.Logging;

namespace EtcdNet.Server.Apply;

/// <summary>
/// Applies what raft committed, in log order, on one thread: client requests to the stores, membership changes to
/// the cluster and back to raft. Each entry's index goes into the same backend write as its effects, so after a
/// crash the entries the WAL replays are applied exactly once (those at or below the stored index are skipped,
/// except that raft must see replayed membership changes again). Callers are woken once their entry is applied.
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
    private TaskCompletionSource _appliedSignal = NewSignal();

    public ApplyLoop(EtcdServer server, Wait wait, ulong snapshotIndex, ILogger logger)
    {
        _server = server;
        _applier = new Applier(server.Kv, server.Lessor, server.Cluster);
        _wait = wait;
        _logger = logger;
        _appliedIndex = server.Kv.ConsistentIndex;
        _snapshotIndex = snapshotIndex;
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
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                done.Clear();
                ulong last = 0;
                while (reader.TryRead(out var batch))
                {
                    if (batch.Snapshot is { } snapshot)
                    {
                        // Installing a leader's snapshot (backend handover) arrives with the cluster transport.
                        LogSnapshotNotSupported(_logger, snapshot.Metadata.Index);
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
                var request = InternalRaftRequest.Parser.ParseFrom(entry.Data);
                // The index goes into the same backend write as the entry's effects.
                _server.Kv.SetConsistentIndex(entry.Index);
                done.Add((request.Header?.ID ?? request.ID, _applier.Apply(request)));
                break;
            case EntryType.EntryConfChange:
                var cc = ConfChange.Parser.ParseFrom(entry.Data);
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

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "triggering snapshot applied-index={AppliedIndex}")]
    private static partial void LogSnapshot(ILogger logger, ulong appliedIndex);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Error, Message = "received a raft snapshot, which this member cannot install yet snapshot-index={SnapshotIndex}")]
    private static partial void LogSnapshotNotSupported(ILogger logger, ulong snapshotIndex);
}
