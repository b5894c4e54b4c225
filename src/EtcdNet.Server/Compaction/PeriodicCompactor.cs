using Microsoft.Extensions.Logging;

namespace EtcdNet.Server.Compaction;

/// <summary>
/// etcd's periodic compactor: keeps history for the retention period. It samples the revision every tenth of the
/// period (of an hour at most), waits one full period, then compacts to the revision sampled a period ago; after
/// that it compacts every period (hourly for periods over an hour), and retries a failed compaction at the next
/// sample. Only the leader compacts: on a follower the ticks pass without compacting.
/// </summary>
public sealed partial class PeriodicCompactor(TimeSpan period, ICompactable store, TimeProvider time, Func<bool> isLeader, ILogger logger)
{
    private const int RetryDivisor = 10;

    /// <summary>How often compactions run once the first has: the period, at most an hour.</summary>
    public TimeSpan CompactInterval => period > TimeSpan.FromHours(1) ? TimeSpan.FromHours(1) : period;

    /// <summary>How often the revision is sampled (and a failed compaction retried): a tenth of the compact interval.</summary>
    public TimeSpan RetryInterval => TimeSpan.FromTicks(Math.Max(1, CompactInterval.Ticks / RetryDivisor));

    /// <summary>Samples kept: enough to reach back one period.</summary>
    public int Retentions => (int)(period.Ticks / RetryInterval.Ticks) + 1;

    public async Task RunAsync(CancellationToken ct)
    {
        var revisions = new List<long>();
        var lastSuccess = time.GetUtcNow();
        var baseInterval = period;
        while (true)
        {
            revisions.Add(store.CurrentRevision);
            if (revisions.Count > Retentions) revisions.RemoveAt(0);
            try
            {
                await Task.Delay(RetryInterval, time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (!isLeader()) continue;
            if (time.GetUtcNow() - lastSuccess < baseInterval) continue;
            // The first compaction waits one whole period; later ones come every compact interval.
            baseInterval = CompactInterval;
            long revision = revisions[0];
            LogStarting(logger, revision, period);
            try
            {
                await store.CompactAsync(revision, ct).ConfigureAwait(false);
                LogCompleted(logger, revision, period, time.GetUtcNow() - lastSuccess);
                lastSuccess = time.GetUtcNow();
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogFailed(logger, revision, period, RetryInterval, e.Message);
            }
        }
    }

    [LoggerMessage(EventId = 8301, Level = LogLevel.Information, Message = "starting auto periodic compaction revision={Revision} compact-period={CompactPeriod}")]
    private static partial void LogStarting(ILogger logger, long revision, TimeSpan compactPeriod);

    [LoggerMessage(EventId = 8302, Level = LogLevel.Information, Message = "completed auto periodic compaction revision={Revision} compact-period={CompactPeriod} took={Took}")]
    private static partial void LogCompleted(ILogger logger, long revision, TimeSpan compactPeriod, TimeSpan took);

    [LoggerMessage(EventId = 8303, Level = LogLevel.Warning, Message = "failed auto periodic compaction revision={Revision} compact-period={CompactPeriod} retry-interval={RetryInterval} error={Error}")]
    private static partial void LogFailed(ILogger logger, long revision, TimeSpan compactPeriod, TimeSpan retryInterval, string error);
}
