using Microsoft.Extensions.Logging;

namespace EtcdNet.Server.Compaction;

/// <summary>
/// etcd's revision compactor: every five minutes, compacts to the current revision minus the retention, unless that
/// is not positive or was the last revision compacted. Only the leader compacts.
/// </summary>
public sealed partial class RevisionCompactor(long retention, ICompactable store, TimeProvider time, Func<bool> isLeader, ILogger logger)
{
    /// <summary>etcd's fixed interval between revision compactions.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    public async Task RunAsync(CancellationToken ct)
    {
        long previous = 0;
        while (true)
        {
            try
            {
                await Task.Delay(Interval, time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (!isLeader()) continue;
            long revision = store.CurrentRevision - retention;
            if (revision <= 0 || revision == previous) continue;
            var started = time.GetUtcNow();
            LogStarting(logger, revision, retention);
            try
            {
                await store.CompactAsync(revision, ct).ConfigureAwait(false);
                previous = revision;
                LogCompleted(logger, revision, retention, time.GetUtcNow() - started);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogFailed(logger, revision, retention, Interval, e.Message);
            }
        }
    }

    [LoggerMessage(EventId = 8311, Level = LogLevel.Information, Message = "starting auto revision compaction revision={Revision} revision-compaction-retention={Retention}")]
    private static partial void LogStarting(ILogger logger, long revision, long retention);

    [LoggerMessage(EventId = 8312, Level = LogLevel.Information, Message = "completed auto revision compaction revision={Revision} revision-compaction-retention={Retention} took={Took}")]
    private static partial void LogCompleted(ILogger logger, long revision, long retention, TimeSpan took);

    [LoggerMessage(EventId = 8313, Level = LogLevel.Warning, Message = "failed auto revision compaction revision={Revision} revision-compaction-retention={Retention} retry-interval={RetryInterval} error={Error}")]
    private static partial void LogFailed(ILogger logger, long revision, long retention, TimeSpan retryInterval, string error);
}
