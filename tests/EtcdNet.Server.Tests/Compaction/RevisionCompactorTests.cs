using EtcdNet.Server.Compaction;
using Microsoft.Extensions.Logging.Abstractions;

namespace EtcdNet.Server.Tests.Compaction;

public sealed class RevisionCompactorTests
{
    [Fact]
    public async Task Run_EveryFiveMinutes_KeepsRetentionRevisions()
    {
        var time = new CountingTimeProvider();
        var store = new FakeCompactable { CurrentRevision = 5 };
        bool leader = true;
        using var stop = new CancellationTokenSource();
        var run = new RevisionCompactor(10, store, time, () => leader, NullLogger.Instance).RunAsync(stop.Token);
        await time.WaitForTimersAsync(1);

        // Not yet past the retention: nothing to compact.
        await time.StepAsync(RevisionCompactor.Interval);
        Assert.Empty(store.Compacted);

        store.CurrentRevision = 100;
        time.Clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(2, time.Timers);
        Assert.Empty(store.Compacted);
        await time.StepAsync(TimeSpan.FromMinutes(1));
        Assert.Equal([90L], store.Compacted);

        // The same target again is skipped.
        await time.StepAsync(RevisionCompactor.Interval);
        Assert.Equal([90L], store.Compacted);

        // A follower does not compact; once leading again it does.
        store.CurrentRevision = 150;
        leader = false;
        await time.StepAsync(RevisionCompactor.Interval);
        Assert.Equal([90L], store.Compacted);
        leader = true;
        await time.StepAsync(RevisionCompactor.Interval);
        Assert.Equal([90L, 140L], store.Compacted);

        stop.Cancel();
        await run;
    }
}
