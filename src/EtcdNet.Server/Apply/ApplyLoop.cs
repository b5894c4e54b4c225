using System.Threading.Channels;
using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Lease;
using EtcdNet.Mvcc;
using Microsoft.Extensions.Logging;

namespace EtcdNet.Server.Apply;

/// <summary>
/// The log of a single member and the loop that applies it. A proposal gets the next index and is committed at once
/// (a cluster of one is its own quorum); the loop applies entries in index order in batches, records the applied
/// index in the same backend transaction, commits it durably and only then wakes the callers. The cluster issue puts
/// raft in front of this loop: entries then arrive from raft's committed entries instead of <see cref="Propose"/>.
/// </summary>
public sealed partial class ApplyLoop : IAsyncDisposable
{
    private const int MaxBatch = 1024;

    private readonly Channel<Entry> _entries = Channel.CreateUnbounded<Entry>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly Lock _proposeLock = new();
    private readonly KvStore _kv;
    private readonly Applier _applier;
    private readonly Wait _wait;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private ulong _lastIndex;
    private ulong _appliedIndex;
    private TaskCompletionSource _appliedSignal = NewSignal();

    public ApplyLoop(KvStore kv, Lessor lessor, Wait wait, ILogger logger)
    {
        _kv = kv;
        _applier = new Applier(kv, lessor);
        _wait = wait;
        _logger = logger;
        _lastIndex = _appliedIndex = kv.ConsistentIndex;
        _loop = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>The index of the last entry in the log (committed, for a member that is the whole quorum).</summary>
    public ulong CommittedIndex => Volatile.Read(ref _lastIndex);

    public ulong AppliedIndex => Volatile.Read(ref _appliedIndex);

    /// <summary>Appends an entry; the returned index tells a reader what it must wait for.</summary>
    public ulong Propose(byte[] data)
    {
        lock (_proposeLock)
        {
            var index = ++_lastIndex;
            if (!_entries.Writer.TryWrite(new Entry(index, data)))
            {
                throw Errors.EtcdErrors.Stopped.ToException();
            }
            return index;
        }
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
        var batch = new List<(Entry Entry, InternalRaftRequest Request, ApplyResult Result)>(MaxBatch);
        var reader = _entries.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && reader.TryRead(out var entry))
                {
                    var request = InternalRaftRequest.Parser.ParseFrom(entry.Data);
                    // The index goes into the same backend write as the entry's effects, so a commit at any
                    // moment (the backend's timer too) never records effects without their index or vice versa.
                    _kv.SetConsistentIndex(entry.Index);
                    batch.Add((entry, request, _applier.Apply(request)));
                }
                _kv.Commit();
                Volatile.Write(ref _appliedIndex, batch[^1].Entry.Index);
                Interlocked.Exchange(ref _appliedSignal, NewSignal()).TrySetResult();
                foreach (var (_, request, result) in batch)
                {
                    _wait.Trigger(request.Header?.ID ?? request.ID, result);
                }
            }
        }
        catch (Exception e)
        {
            // A failed apply or commit leaves the store in an unknown state: stop, as etcd panics.
            LogApplyFailed(_logger, e);
            _entries.Writer.TryComplete(e);
            _wait.FailAll(Errors.EtcdErrors.Stopped.ToException());
        }
    }

    public async ValueTask DisposeAsync()
    {
        _entries.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly record struct Entry(ulong Index, byte[] Data);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Critical, Message = "failed to apply committed entries; stopping the apply loop")]
    private static partial void LogApplyFailed(ILogger logger, Exception error);
}
