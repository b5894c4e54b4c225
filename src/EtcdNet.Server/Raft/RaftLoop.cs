using System.Collections.Concurrent;
using EtcdNet.Raft;
using EtcdNet.Raft.Raftpb;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace EtcdNet.Server.Raft;

/// <summary>Committed work raft hands to the apply loop, in log order.</summary>
public sealed record ApplyBatch(IReadOnlyList<Entry> Entries, Snapshot? Snapshot);

/// <summary>Where a member's raft messages go, and who hears about raft's state (implemented by the server).</summary>
public interface IRaftHost
{
    /// <summary>Sends messages to peers; must not block (the transport queues).</summary>
    void Send(IReadOnlyList<Message> messages);

    /// <summary>Hands committed entries (and a received snapshot) to the apply loop.</summary>
    void Apply(ApplyBatch batch);

    /// <summary>The leader or term changed (lease promotion, metrics, waiting writers).</summary>
    void OnLeaderChanged(ulong leader, ulong term, bool isLeader);
}

/// <summary>
/// The one thread that owns a member's <see cref="RaftNode"/>: it ticks it, steps in messages and proposals from any
/// thread, and processes each Ready in etcd's order — a leader sends while it persists, a follower only after;
/// entries and hard state are durable in the WAL before anything is applied or acknowledged; then Advance.
/// </summary>
public sealed partial class RaftLoop : IAsyncDisposable
{
    private readonly RaftNode _node;
    private readonly DurableRaftLog _log;
    private readonly IRaftHost _host;
    private readonly ILogger _logger;
    private readonly TimeSpan _tick;
    private readonly ConcurrentQueue<Action<RaftNode>> _inputs = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<ulong>> _reads = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private long _readIds;
    private ulong _leader;
    private ulong _term;
    private ulong _committed;

    public RaftLoop(RaftNode node, DurableRaftLog log, IRaftHost host, TimeSpan tick, ILogger logger)
    {
        _node = node;
        _log = log;
        _host = host;
        _tick = tick;
        _logger = logger;
        _thread = new Thread(Run) { IsBackground = true, Name = "raft" };
    }

    public ulong LocalId => _node.Id;

    /// <summary>Where leader changes and WAL save times are counted; null in tests that need none.</summary>
    public EtcdNet.Server.Metrics.EtcdMetrics? Metrics { get; init; }

    public ulong Leader => Volatile.Read(ref _leader);

    public ulong Term => Volatile.Read(ref _term);

    public bool IsLeader => Leader == _node.Id && Leader != 0;

    /// <summary>The highest index this member knows to be committed.</summary>
    public ulong CommittedIndex => Volatile.Read(ref _committed);

    public void Start() => _thread.Start();

    /// <summary>True once the loop has been asked to stop.</summary>
    public bool IsStopped => _stop.IsCancellationRequested;

    /// <summary>Runs an action on the raft thread (the only thread that touches the node).</summary>
    public void Post(Action<RaftNode> action)
    {
        _inputs.Enqueue(action);
        _signal.Release();
    }

    /// <summary>Runs a function on the raft thread and returns its result.</summary>
    public Task<T> InvokeAsync<T>(Func<RaftNode, T> function)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        // A loop that stops before running the action must not leave the caller (the apply loop) waiting forever.
        var stopped = _stop.Token.Register(static s => ((TaskCompletionSource<T>)s!).TrySetCanceled(), tcs);
        _ = tcs.Task.ContinueWith(_ => stopped.Dispose(), TaskScheduler.Default);
        Post(node =>
        {
            try
            {
                tcs.SetResult(function(node));
            }
            catch (Exception e)
            {
                tcs.SetException(e);
            }
        });
        return tcs.Task;
    }

    public void Propose(byte[] data) => Post(node => node.Propose(ByteString.CopyFrom(data)));

    public void Step(Message message) => Post(node => node.Step(message));

    /// <summary>
    /// Confirms with the leader that this member may serve a linearizable read, and returns the index the read
    /// must wait to have applied (etcd's ReadIndex). Re-asks every half second until <paramref name="ct"/> fires,
    /// since a request sent while there is no leader is simply dropped.
    /// </summary>
    public async Task<ulong> ReadIndexAsync(CancellationToken ct)
    {
        var id = (ulong)Interlocked.Increment(ref _readIds);
        var tcs = new TaskCompletionSource<ulong>(TaskCreationOptions.RunContinuationsAsynchronously);
        _reads[id] = tcs;
        var ctx = ByteString.CopyFrom(BitConverter.GetBytes(id));
        try
        {
            while (true)
            {
                Post(node => node.ReadIndex(ctx));
                var done = await Task.WhenAny(tcs.Task, Task.Delay(TimeSpan.FromMilliseconds(500), ct)).ConfigureAwait(false);
                if (done == tcs.Task) return await tcs.Task.ConfigureAwait(false);
                ct.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            _reads.TryRemove(id, out _);
        }
    }

    private void Run()
    {
        var nextTick = DateTime.UtcNow + _tick;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var wait = nextTick - DateTime.UtcNow;
                if (wait > TimeSpan.Zero) _signal.Wait(wait);
                if (DateTime.UtcNow >= nextTick)
                {
                    _node.Tick();
                    nextTick += _tick;
                    // After a long pause (GC, SIGSTOP) tick once, not a burst that would trigger elections.
                    if (nextTick < DateTime.UtcNow) nextTick = DateTime.UtcNow + _tick;
                }
                while (_inputs.TryDequeue(out var input))
                {
                    try
                    {
                        input(_node);
                    }
                    catch (ProposalDroppedException)
                    {
                        // No leader to forward to, or a leader transfer in progress: the caller times out as in etcd.
                    }
                }
                while (_node.HasReady())
                {
                    var rd = _node.GetReady();
                    Process(rd);
                    _node.Advance(rd);
                }
            }
        }
        catch (Exception e)
        {
            // The node's state is unknown after a failed persist: stop serving, as etcd panics.
            LogRaftLoopFailed(_logger, e);
            _host.OnLeaderChanged(0, Term, false);
        }
    }

    private void Process(Ready rd)
    {
        if (rd.SoftState is { } soft && soft.Lead != Leader)
        {
            // etcd counts a change to a known leader, not the loss of one.
            if (soft.Lead != 0) Metrics?.LeaderChanges.Inc();
            Volatile.Write(ref _leader, soft.Lead);
            LogLeaderChanged(_logger, $"{_node.Id:x}", $"{soft.Lead:x}", _node.Status.Term);
        }
        if (rd.HardState is { } hard)
        {
            Volatile.Write(ref _committed, hard.Commit);
            if (hard.Term != _term || rd.SoftState is not null)
            {
                Volatile.Write(ref _term, hard.Term);
            }
        }
        if (rd.SoftState is not null) _host.OnLeaderChanged(Leader, Term, IsLeader);

        // A leader may send before its own write is durable (it counts itself only once persisted);
        // a follower must not acknowledge entries it has not yet fsynced.
        var isLeader = IsLeader;
        if (isLeader && rd.Messages.Count > 0) _host.Send(rd.Messages);
        var saveStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        EtcdNet.Storage.Failpoints.Failpoint.Hit("raftBeforeSave");
        _log.Save(rd);
        EtcdNet.Storage.Failpoints.Failpoint.Hit("raftAfterSave");
        // The WAL fsyncs when a Ready carries entries (or a snapshot): time those saves, fsync included.
        if (rd.Entries.Count > 0 || rd.Snapshot is { Metadata.Index: > 0 })
        {
            Metrics?.WalFsync.Observe(System.Diagnostics.Stopwatch.GetElapsedTime(saveStarted));
        }
        if (!isLeader && rd.Messages.Count > 0) _host.Send(rd.Messages);

        foreach (var read in rd.ReadStates)
        {
            var id = BitConverter.ToUInt64(read.RequestCtx.Span);
            if (_reads.TryGetValue(id, out var tcs)) tcs.TrySetResult(read.Index);
        }
        if (rd.CommittedEntries.Count > 0 || rd.Snapshot is { Metadata.Index: > 0 })
        {
            _host.Apply(new ApplyBatch(rd.CommittedEntries, rd.Snapshot is { Metadata.Index: > 0 } ? rd.Snapshot : null));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _signal.Release();
        await Task.Run(() => _thread.Join()).ConfigureAwait(false);
        foreach (var read in _reads.Values) read.TrySetCanceled();
    }

    [LoggerMessage(EventId = 5300, Level = LogLevel.Information, Message = "raft leader changed local-member-id={LocalMemberId} leader={Leader} term={Term}")]
    private static partial void LogLeaderChanged(ILogger logger, string localMemberId, string leader, ulong term);

    [LoggerMessage(EventId = 5301, Level = LogLevel.Critical, Message = "raft loop stopped")]
    private static partial void LogRaftLoopFailed(ILogger logger, Exception error);
}
