using EtcdNet.Server.Compaction;
using Microsoft.Extensions.Logging.Abstractions;

namespace EtcdNet.Server.Tests.Compaction;

public sealed class PeriodicCompactorTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public void Intervals_FollowEtcd_HourAtMostAndTenthsOfIt()
    {
        var tenMinutes = new PeriodicCompactor(TimeSpan.FromMinutes(10), new FakeCompactable(), TimeProvider.System, () => true, NullLogger.Instance);
        Assert.Equal((TimeSpan.FromMinutes(10), Minute, 11), (tenMinutes.CompactInterval, tenMinutes.RetryInterval, tenMinutes.Retentions));
        var day = new PeriodicCompactor(TimeSpan.FromHours(24), new FakeCompactable(), TimeProvider.System, () => true, NullLogger.Instance);
        Assert.Equal((TimeSpan.FromHours(1), TimeSpan.FromMinutes(6), 241), (day.CompactInterval, day.RetryInterval, day.Retentions));
    }

    [Fact]
    public async Task Run_TenMinutes_FirstCompactsAfterOnePeriodToTheRevisionSampledThen()
    {
        var time = new CountingTimeProvider();
        var store = new FakeCompactable();
        using var stop = new CancellationTokenSource();
        var run = new PeriodicCompactor(TimeSpan.FromMinutes(10), store, time, () => true, NullLogger.Instance).RunAsync(stop.Token);
        await time.WaitForTimersAsync(1);

        // The revision moves every minute; samples are taken at the top of each minute.
        for (int minute = 1; minute <= 20; minute++)
        {
            store.CurrentRevision = 100 + minute;
            await time.StepAsync(Minute);
            if (minute < 10) Assert.Empty(store.Compacted);
            if (minute == 10) Assert.Equal([1L], store.Compacted);
        }
        // The second compaction, one period later, goes to the oldest sample kept (eleven minutes back).
        Assert.Equal([1L, 109L], store.Compacted);

        stop.Cancel();
        await run;
    }

    [Fact]
    public async Task Run_OnAFollower_NeverCompacts()
    {
        var time = new CountingTimeProvider();
        var store = new FakeCompactable { CurrentRevision = 50 };
        using var stop = new CancellationTokenSource();
        var run = new PeriodicCompactor(TimeSpan.FromMinutes(10), store, time, () => false, NullLogger.Instance).RunAsync(stop.Token);
        await time.WaitForTimersAsync(1);
        for (int i = 0; i < 30; i++) await time.StepAsync(Minute);
        Assert.Empty(store.Compacted);
        stop.Cancel();
        await run;
    }

    [Fact]
    public async Task Run_FailedCompaction_RetriesAtTheNextSample()
    {
        var time = new CountingTimeProvider();
        var store = new FakeCompactable { Failure = new InvalidOperationException("etcdserver: request timed out") };
        using var stop = new CancellationTokenSource();
        var run = new PeriodicCompactor(TimeSpan.FromMinutes(10), store, time, () => true, NullLogger.Instance).RunAsync(stop.Token);
        await time.WaitForTimersAsync(1);
        for (int i = 0; i < 10; i++) await time.StepAsync(Minute);
        Assert.Empty(store.Compacted);

        store.Failure = null;
        await time.StepAsync(Minute);
        Assert.Equal([1L], store.Compacted);
        stop.Cancel();
        await run;
    }
}
