using EtcdNet.Api.Mvccpb;
using EtcdNet.Mvcc.Watch;
using static EtcdNet.Mvcc.Tests.StoreFixture;
using static EtcdNet.Mvcc.Tests.Watch.WatchFixture;

namespace EtcdNet.Mvcc.Tests.Watch;

public sealed class WatchableStoreTests : IDisposable
{
    private readonly WatchFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task Watch_SingleKey_CreatedThenEachChangeOnce()
    {
        using WatchStream s = _f.Watchable.NewWatchStream();
        long id = s.Watch(Key("a"));
        WatchUpdate created = await NextAsync(s);
        Assert.Equal((WatchUpdateKind.Created, id, 1L), (created.Kind, created.WatchId, created.Revision));

        long r1 = _f.Put("a", "1");
        _f.Put("b", "x");
        long r3 = _f.Delete("a");

        WatchUpdate put = await NextAsync(s);
        Assert.Equal((WatchUpdateKind.Events, id, r1), (put.Kind, put.WatchId, put.Revision));
        Assert.Equal(Event.Types.EventType.Put, Assert.Single(put.Events).Type);
        Assert.Equal("1", S(put.Events[0].Kv.Value));
        WatchUpdate del = await NextAsync(s);
        Event d = Assert.Single(del.Events);
        Assert.Equal((Event.Types.EventType.Delete, r3, "a"), (d.Type, d.Kv.ModRevision, S(d.Kv.Key)));
        Assert.False(s.TryRead(out _));
    }

    [Fact]
    public async Task Watch_PrefixAndFromKey_SeeOnlyTheirKeys()
    {
        using WatchStream s = _f.Watchable.NewWatchStream();
        long prefix = s.Watch(Prefix("foo/"));
        long fromKey = s.Watch(new WatcherSpec { Key = B("fop").ToByteArray(), End = [] });
        foreach (string k in new[] { "foo/a", "fop", "foo", "zzz", "a", "foo/b" })
        {
            _f.Put(k, "v");
        }
        await NextAsync(s);
        await NextAsync(s);
        var seen = new Dictionary<long, List<string>> { [prefix] = [], [fromKey] = [] };
        for (int i = 0; i < 4; i++)
        {
            WatchUpdate u = await NextAsync(s);
            seen[u.WatchId].Add(S(u.Events.Single().Kv.Key));
        }
        Assert.Equal(["foo/a", "foo/b"], seen[prefix]);
        Assert.Equal(["fop", "zzz"], seen[fromKey]);
        Assert.False(s.TryRead(out _));
    }

    [Fact]
    public async Task Watch_TxnOfSeveralKeys_OneItemWithAllItsEvents()
    {
        using WatchStream s = _f.Watchable.NewWatchStream();
        long id = s.Watch(Prefix("k"));
        await NextAsync(s);
        long rev = _f.Txn(OpPut("k1", "a"), OpPut("x", "b"), OpPut("k2", "c"), OpDelete("k0"));
        WatchUpdate u = await NextAsync(s);
        Assert.Equal((id, rev), (u.WatchId, u.Revision));
        Assert.Equal(["k1", "k2"], u.Events.Select(e => S(e.Kv.Key)));
    }

    [Fact]
    public async Task Watch_StartRevisionInHistory_ReplaysThenGoesLiveWithoutGapOrDuplicate()
    {
        long r1 = _f.Put("a", "1");
        _f.Put("b", "1");
        long r3 = _f.Put("a", "2");
        long r4 = _f.Delete("a");
        using WatchStream s = _f.Watchable.NewWatchStream();
        long id = s.Watch(Key("a", start: r1));
        await NextAsync(s);
        List<Event> history = await EventsAsync(s, id, 3);
        Assert.Equal([r1, r3, r4], history.Select(e => e.Kv.ModRevision));
        Assert.Equal(Event.Types.EventType.Delete, history[2].Type);
        await Eventually(() => _f.Watchable.SlowWatcherCount == 0);

        long r5 = _f.Put("a", "3");
        WatchUpdate live = await NextAsync(s);
        Assert.Equal(r5, live.Events.Single().Kv.ModRevision);
    }

    [Fact]
    public async Task Watch_HistoryWhileWriting_EveryRevisionExactlyOnceInOrder()
    {
        for (int i = 0; i < 300; i++)
        {
            _f.Put("k", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        using WatchStream s = _f.Watchable.NewWatchStream();
        long id = s.Watch(Key("k", start: 2));
        var writer = Task.Run(() =>
        {
            for (int i = 300; i < 600; i++)
            {
                _f.Put("k", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        });
        List<Event> events = await EventsAsync(s, id, 600);
        await writer;
        Assert.Equal(Enumerable.Range(2, 600).Select(i => (long)i), events.Select(e => e.Kv.ModRevision));
    }

    [Fact]
    public async Task Watch_HistoryReadInSmallChunks_NeverSplitsARevision()
    {
        using var f = new WatchFixture(new WatchableStoreOptions { HistoryRowsPerRead = 7, MaxRevisionsPerBatch = 2 });
        for (int i = 0; i < 20; i++)
        {
            f.Txn(OpPut("p/a", "x"), OpPut("p/b", "x"), OpPut("p/c", "x"));
        }
        using WatchStream s = f.Watchable.NewWatchStream();
        long id = s.Watch(Prefix("p/", start: 1));
        await NextAsync(s);
        var items = new List<WatchUpdate>();
        List<Event> events = await EventsAsync(s, id, 60, items);
        foreach (WatchUpdate u in items)
        {
            // Whole revisions only, at most two of them per item.
            Assert.Equal(0, u.Events.Count % 3);
            Assert.InRange(u.Events.Select(e => e.Kv.ModRevision).Distinct().Count(), 1, 2);
        }
        Assert.Equal(Enumerable.Range(2, 20).SelectMany(r => new[] { (long)r, r, r }), events.Select(e => e.Kv.ModRevision));
    }

    [Fact]
    public async Task Watch_Filters_DropFilteredEventTypes()
    {
        using WatchStream s = _f.Watchable.NewWatchStream();
        long noPut = s.Watch(Key("a") with { NoPut = true });
        long noDelete = s.Watch(Key("a") with { NoDelete = true });
        await NextAsync(s);
        await NextAsync(s);
        long put = _f.Put("a", "1");
        long del = _f.Delete("a");
        WatchUpdate first = await NextAsync(s);
        WatchUpdate second = await NextAsync(s);
        Assert.Equal((noDelete, put), (first.WatchId, first.Events.Single().Kv.ModRevision));
        Assert.Equal((noPut, del), (second.WatchId, second.Events.Single().Kv.ModRevision));
        Assert.False(s.TryRead(out _));
    }

    [Fact]
    public async Task Watch_Ids_AutoSkipsTakenAndDuplicateIsRefused()
    {
        using WatchStream s = _f.Watchable.NewWatchStream();
        Assert.Equal(1, s.Watch(Key("a", id: 1)));
        Assert.Equal(0, s.Watch(Key("a")));
        Assert.Equal(2, s.Watch(Key("a")));
        Assert.Equal(-1, s.Watch(Key("b", id: 2)));
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(WatchUpdateKind.Created, (await NextAsync(s)).Kind);
        }
        WatchUpdate refused = await NextAsync(s);
        Assert.Equal((WatchUpdateKind.Created, -1L, WatchErrors.DuplicateWatchId), (refused.Kind, refused.WatchId, refused.CancelReason));
    }

    [Fact]
    public async Task Watch_RangeEndNotAfterKey_RefusedAsEmptyRange()
    {
        using WatchStream s = _f.Watchable.NewWatchStream();
        Assert.Equal(-1, s.Watch(Range("b", "a")));
        WatchUpdate refused = await NextAsync(s);
        Assert.Equal((-1L, WatchErrors.EmptyWatcherRange), (refused.WatchId, refused.CancelReason));
    }

    [Fact]
    public async Task Cancel_QueuesCanceledAndNothingAfter()
    {
        using WatchStream s = _f.Watchable.NewWatchStream();
        long a = s.Watch(Key("a"));
        long b = s.Watch(Key("b"));
        _f.Put("a", "1");
        Assert.True(s.Cancel(a));
        Assert.False(s.Cancel(a));
        _f.Put("a", "2");
        _f.Put("b", "1");
        Assert.Equal(WatchUpdateKind.Created, (await NextAsync(s)).Kind);
        Assert.Equal(WatchUpdateKind.Created, (await NextAsync(s)).Kind);
        Assert.Equal((WatchUpdateKind.Events, a), Pair(await NextAsync(s)));
        Assert.Equal((WatchUpdateKind.Canceled, a), Pair(await NextAsync(s)));
        Assert.Equal((WatchUpdateKind.Events, b), Pair(await NextAsync(s)));
        Assert.Equal(1, _f.Watchable.WatcherCount);
    }

    [Fact]
    public async Task Watch_StartBelowCompaction_CompactedNoticeAndRemoved()
    {
        for (int i = 0; i < 5; i++)
        {
            _f.Put("a", "v");
        }
        await _f.Kv.Store.Compact(4);
        using WatchStream s = _f.Watchable.NewWatchStream();
        long id = s.Watch(Key("a", start: 2));
        await NextAsync(s);
        WatchUpdate u = await NextAsync(s);
        Assert.Equal((WatchUpdateKind.Compacted, id, 4L, 0L), (u.Kind, u.WatchId, u.CompactRevision, u.Revision));
        Assert.Equal(0, _f.Watchable.WatcherCount);
        Assert.Equal(0, _f.Watchable.SlowWatcherCount);
    }

    [Fact]
    public async Task Watch_StartAtCompactRevision_IsServed()
    {
        for (int i = 0; i < 5; i++)
        {
            _f.Put("a", "v");
        }
        await _f.Kv.Store.Compact(4);
        using WatchStream s = _f.Watchable.NewWatchStream();
        long id = s.Watch(Key("a", start: 4));
        await NextAsync(s);
        Assert.Equal([4L, 5L, 6L], (await EventsAsync(s, id, 3)).Select(e => e.Kv.ModRevision));
    }

    [Fact]
    public async Task SlowConsumer_WritesNeverWait_AndLaterEverythingArrivesOnce()
    {
        using WatchStream slow = _f.Watchable.NewWatchStream();
        using WatchStream fast = _f.Watchable.NewWatchStream();
        long slowId = slow.Watch(Key("k"));
        long fastId = fast.Watch(Key("k"));
        await NextAsync(fast);
        var fastEvents = new List<Event>();
        for (int i = 0; i < 1000; i++)
        {
            _f.Put("k", "v");
            while (fast.TryRead(out WatchUpdate u))
            {
                fastEvents.AddRange(u.Events);
            }
        }
        Assert.True(_f.Watchable.SlowWatcherCount >= 1, "the slow stream's watcher should be a victim by now");
        fastEvents.AddRange(await EventsAsync(fast, fastId, 1000 - fastEvents.Count));

        await NextAsync(slow);
        List<Event> slowEvents = await EventsAsync(slow, slowId, 1000);
        Assert.Equal(Enumerable.Range(2, 1000).Select(i => (long)i), slowEvents.Select(e => e.Kv.ModRevision));
        Assert.Equal(Enumerable.Range(2, 1000).Select(i => (long)i), fastEvents.Select(e => e.Kv.ModRevision));
        await Eventually(() => _f.Watchable.SlowWatcherCount == 0);
        long next = _f.Put("k", "v");
        Assert.Equal(next, (await NextAsync(slow)).Revision);
    }

    [Fact]
    public async Task SlowConsumer_HistoryCompactedMeanwhile_GetsCompactedNotice()
    {
        using WatchStream slow = _f.Watchable.NewWatchStream();
        long id = slow.Watch(Key("k"));
        for (int i = 0; i < 400; i++)
        {
            _f.Put("k", "v");
        }
        await _f.Kv.Store.Compact(390);
        var kinds = new List<WatchUpdateKind>();
        while (true)
        {
            WatchUpdate u = await NextAsync(slow);
            kinds.Add(u.Kind);
            if (u.Kind == WatchUpdateKind.Compacted)
            {
                Assert.Equal((id, 390L), (u.WatchId, u.CompactRevision));
                break;
            }
        }
        Assert.Equal(WatchUpdateKind.Created, kinds[0]);
    }

    [Fact]
    public async Task RequestProgress_AllSynced_AnswersCurrentRevisionAfterEvents()
    {
        using WatchStream s = _f.Watchable.NewWatchStream();
        long id = s.Watch(Key("a"));
        long rev = _f.Put("a", "1");
        s.RequestProgress();
        await NextAsync(s);
        Assert.Equal(id, (await NextAsync(s)).WatchId);
        WatchUpdate p = await NextAsync(s);
        Assert.Equal((WatchUpdateKind.Progress, -1L, rev), (p.Kind, p.WatchId, p.Revision));
    }

    [Fact]
    public async Task RequestProgress_WatcherCatchingUp_AnsweredOnlyAfterItsHistory()
    {
        for (int i = 0; i < 50; i++)
        {
            _f.Put("a", "v");
        }
        using WatchStream s = _f.Watchable.NewWatchStream();
        long id = s.Watch(Key("a", start: 1));
        s.RequestProgress();
        var items = new List<WatchUpdate>();
        await EventsAsync(s, id, 50, items);
        WatchUpdate p = await NextAsync(s);
        Assert.Equal((WatchUpdateKind.Progress, -1L, 51L), (p.Kind, p.WatchId, p.Revision));
        Assert.DoesNotContain(items, u => u.Kind == WatchUpdateKind.Progress);
    }

    [Fact]
    public async Task ProgressNotify_IdleWatcherGetsNotice_BusyOrPlainDoNot()
    {
        using var f = new WatchFixture(new WatchableStoreOptions { ProgressNotifyInterval = TimeSpan.FromMilliseconds(50) });
        long rev = f.Put("x", "1");
        using WatchStream s = f.Watchable.NewWatchStream();
        long plain = s.Watch(Key("a"));
        long notify = s.Watch(Key("b") with { ProgressNotify = true });
        await NextAsync(s);
        await NextAsync(s);
        WatchUpdate p = await NextAsync(s);
        Assert.Equal((WatchUpdateKind.Progress, notify, rev), (p.Kind, p.WatchId, p.Revision));
        Assert.NotEqual(plain, p.WatchId);
    }

    [Fact]
    public async Task Restart_HistoryComesFromTheBackend()
    {
        long r1 = _f.Put("a", "1");
        long r2 = _f.Put("a", "2");
        _f.Restart();
        using WatchStream s = _f.Watchable.NewWatchStream();
        long id = s.Watch(Key("a", start: r1));
        await NextAsync(s);
        Assert.Equal([r1, r2], (await EventsAsync(s, id, 2)).Select(e => e.Kv.ModRevision));
        long r3 = _f.Put("a", "3");
        Assert.Equal(r3, (await NextAsync(s)).Revision);
    }

    [Fact]
    public async Task OnRestored_SyncedWatchersCatchUpAgain_NoDuplicateNoGap()
    {
        using WatchStream s = _f.Watchable.NewWatchStream();
        long key = s.Watch(Key("a"));
        long range = s.Watch(Prefix("b"));
        long r1 = _f.Put("a", "1");
        long r2 = _f.Put("b1", "1");
        _f.Watchable.OnRestored();
        Assert.Equal(2, _f.Watchable.SlowWatcherCount);
        await Eventually(() => _f.Watchable.SlowWatcherCount == 0);
        long r3 = _f.Put("a", "2");
        long r4 = _f.Put("b2", "2");
        var seen = new List<(long, long)>();
        for (int i = 0; i < 6; i++)
        {
            WatchUpdate u = await NextAsync(s);
            if (u.Kind == WatchUpdateKind.Events)
            {
                seen.AddRange(u.Events.Select(e => (u.WatchId, e.Kv.ModRevision)));
            }
            if (seen.Count == 4)
            {
                break;
            }
        }
        Assert.Equal([(key, r1), (range, r2), (key, r3), (range, r4)], seen);
    }

    [Fact]
    public async Task Close_RemovesWatchersAndCounters()
    {
        WatchStream s = _f.Watchable.NewWatchStream();
        s.Watch(Key("a"));
        s.Watch(Key("b", start: 1));
        Assert.Equal((1, 2), (_f.Watchable.WatchStreamCount, _f.Watchable.WatcherCount));
        s.Dispose();
        Assert.Equal((0, 0), (_f.Watchable.WatchStreamCount, _f.Watchable.WatcherCount));
        Assert.Equal(-1, s.Watch(Key("c")));
        _f.Put("a", "1");
        Assert.Equal(0, _f.Watchable.PendingEventCount);
        await Eventually(() => _f.Watchable.SlowWatcherCount == 0);
    }

    private static (WatchUpdateKind, long) Pair(WatchUpdate u) => (u.Kind, u.WatchId);

    private static async Task Eventually(Func<bool> condition)
    {
        DateTime deadline = DateTime.UtcNow + WatchFixture.Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached before the deadline");
            await Task.Delay(10);
        }
    }
}
