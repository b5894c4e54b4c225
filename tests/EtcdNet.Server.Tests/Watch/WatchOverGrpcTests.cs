using System.Globalization;
using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Api.Mvccpb;
using EtcdNet.Mvcc;
using EtcdNet.Server.Tests.Hosting;
using EtcdNet.TestKit;
using Google.Protobuf;
using static EtcdNet.Server.Tests.Watch.WatchClient;

namespace EtcdNet.Server.Tests.Watch;

/// <summary>The Watch service through the real gRPC layer against an in-process member.</summary>
public sealed class WatchOverGrpcTests : IAsyncLifetime
{
    private InProcessMember _member = null!;

    public async Task InitializeAsync() => _member = await InProcessMember.StartAsync();

    public async Task DisposeAsync() => await _member.DisposeAsync();

    private Task<PutResponse> Put(string key, string value) => Put(_member, key, value);

    private static Task<PutResponse> Put(InProcessMember member, string key, string value) =>
        member.CallAsync<PutRequest, PutResponse>("/etcdserverpb.KV/Put", new PutRequest { Key = B(key), Value = B(value) });

    private Task<DeleteRangeResponse> Delete(string key, string end = "") =>
        _member.CallAsync<DeleteRangeRequest, DeleteRangeResponse>("/etcdserverpb.KV/DeleteRange",
            new DeleteRangeRequest { Key = B(key), RangeEnd = B(end) });

    private static string I(int i) => i.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Watch_ThousandWatchersOnOneStream_EveryEventOnceInOrder()
    {
        await using var client = new WatchClient(_member.Channel);
        for (int i = 0; i < 1000; i++)
        {
            // Half on the key, half on a prefix holding it: both paths of the watcher group.
            await client.CreateAsync(i % 2 == 0
                ? new WatchCreateRequest { Key = B("k/1") }
                : new WatchCreateRequest { Key = B("k/"), RangeEnd = B("k0") });
        }
        List<long> ids = await client.CreatedAsync(1000);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), ids);

        var revisions = new List<long>();
        for (int i = 0; i < 20; i++)
        {
            revisions.Add((await Put("k/1", I(i))).Header.Revision);
        }
        var seen = ids.ToDictionary(id => id, _ => new List<long>());
        for (int n = 0; n < 1000 * 20;)
        {
            // A watcher that fell behind the sender catches up from history, several revisions per response.
            WatchResponse r = await client.NextAsync();
            Assert.NotEmpty(r.Events);
            Assert.True(r.Header.Revision >= r.Events[^1].Kv.ModRevision);
            seen[r.WatchId].AddRange(r.Events.Select(e => e.Kv.ModRevision));
            n += r.Events.Count;
        }
        Assert.All(seen.Values, got => Assert.Equal(revisions, got));
    }

    [Fact]
    public async Task Watch_ThousandWatchersOverHundredStreams_EveryEventOnceInOrder()
    {
        var clients = Enumerable.Range(0, 100).Select(_ => new WatchClient(_member.Channel)).ToList();
        try
        {
            foreach (WatchClient c in clients)
            {
                for (int i = 0; i < 10; i++)
                {
                    await c.CreateAsync(new WatchCreateRequest { Key = B("s/"), RangeEnd = B("s0"), PrevKv = i == 0 });
                }
            }
            foreach (WatchClient c in clients)
            {
                await c.CreatedAsync(10);
            }
            var revisions = new List<long>();
            for (int i = 0; i < 10; i++)
            {
                revisions.Add((await Put("s/" + I(i % 3), I(i))).Header.Revision);
            }
            await Task.WhenAll(clients.Select(async c =>
            {
                var seen = new Dictionary<long, List<long>>();
                for (int n = 0; n < 10 * 10;)
                {
                    WatchResponse r = await c.NextAsync();
                    foreach (Event e in r.Events)
                    {
                        // Only watcher 0 asked for prev_kv; keys rewritten after the third put have one.
                        Assert.Equal(r.WatchId == 0 && e.Kv.ModRevision >= revisions[3], e.PrevKv is not null);
                        (seen.TryGetValue(r.WatchId, out List<long>? list) ? list : seen[r.WatchId] = []).Add(e.Kv.ModRevision);
                        n++;
                    }
                }
                Assert.Equal(10, seen.Count);
                Assert.All(seen.Values, got => Assert.Equal(revisions, got));
            }));
        }
        finally
        {
            foreach (WatchClient c in clients)
            {
                await c.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Watch_ClientStopsReading_PutsGoOnAndLaterEverythingArrives()
    {
        await using var stalled = new WatchClient(_member.Channel);
        await stalled.CreateAsync("big");
        await stalled.CreatedAsync(1);
        // 400 x 16 KiB is far beyond the HTTP/2 windows and the stream queues, so the watcher must be set aside.
        string value = new('v', 16 * 1024);
        var revisions = new List<long>();
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            for (int i = 0; i < 400; i++)
            {
                revisions.Add((await Put("big", value).WaitAsync(deadline.Token)).Header.Revision);
            }
        }
        Assert.True(_member.Host.Server.Watchable.SlowWatcherCount >= 1, "the stalled watcher should be a slow watcher");

        // A watcher on another stream is not held up by the stalled one.
        await using var live = new WatchClient(_member.Channel);
        await live.CreateAsync("big");
        await live.CreatedAsync(1);
        long next = (await Put("big", "x")).Header.Revision;
        Assert.Equal(next, (await live.NextAsync()).Events.Single().Kv.ModRevision);
        revisions.Add(next);

        var got = new List<long>();
        while (got.Count < revisions.Count)
        {
            WatchResponse r = await stalled.NextAsync();
            got.AddRange(r.Events.Select(e => e.Kv.ModRevision));
        }
        Assert.Equal(revisions, got);
        await Eventually.TrueAsync(() => Task.FromResult(_member.Host.Server.Watchable.SlowWatcherCount == 0),
            TimeSpan.FromSeconds(10), "the stalled watcher to be synced again");
    }

    [Fact]
    public async Task Watch_ResumeFromLastRevisionPlusOne_AfterDisconnectAndRestart_LosesNothing()
    {
        var dir = new TempDir();
        InProcessMember member = await InProcessMember.StartAsync(dir: dir);
        var all = new List<long>();
        long last;
        try
        {
            await using (var first = new WatchClient(member.Channel))
            {
                await first.CreateAsync(new WatchCreateRequest { Key = B("r/"), RangeEnd = B("r0") });
                await first.CreatedAsync(1);
                for (int i = 0; i < 5; i++)
                {
                    all.Add((await Put(member, "r/" + I(i), "a")).Header.Revision);
                }
                var received = new List<long>();
                while (received.Count < 3)
                {
                    received.AddRange((await first.NextAsync()).Events.Select(e => e.Kv.ModRevision));
                }
                last = received[^1];
            }
            for (int i = 0; i < 5; i++)
            {
                all.Add((await Put(member, "r/" + I(i), "b")).Header.Revision);
            }
        }
        finally
        {
            await member.StopAsync();
        }

        await using InProcessMember restarted = await InProcessMember.StartAsync(dir: dir);
        await using var resumed = new WatchClient(restarted.Channel);
        await resumed.CreateAsync(new WatchCreateRequest { Key = B("r/"), RangeEnd = B("r0"), StartRevision = last + 1 });
        await resumed.CreatedAsync(1);
        all.Add((await Put(restarted, "r/9", "c")).Header.Revision);
        var after = new List<long>();
        while (after.Count < all.Count(r => r > last))
        {
            after.AddRange((await resumed.NextAsync()).Events.Select(e => e.Kv.ModRevision));
        }
        Assert.Equal(all.Where(r => r > last), after);
    }

    [Fact]
    public async Task Progress_Request_AnswersCurrentRevisionAfterTheEvents()
    {
        await using var client = new WatchClient(_member.Channel);
        await client.CreateAsync("p");
        await client.CreatedAsync(1);
        long rev = (await Put("p", "1")).Header.Revision;
        await Put("other", "1");
        long current = (await Put("other", "2")).Header.Revision;
        await client.ProgressAsync();
        Assert.Equal(rev, (await client.NextAsync()).Events.Single().Kv.ModRevision);
        WatchResponse progress = await client.NextAsync();
        Assert.Equal((-1L, current, false, false, 0), (progress.WatchId, progress.Header.Revision, progress.Created, progress.Canceled, progress.Events.Count));
    }

    [Fact]
    public async Task Create_AnswersCarryEtcdHeaderAndIds_CancelAndDuplicate()
    {
        long rev = (await Put("a", "1")).Header.Revision;
        await using var client = new WatchClient(_member.Channel);
        await client.CreateAsync("a", id: 7);
        WatchResponse created = await client.NextAsync();
        Assert.Equal((7L, true, false, rev), (created.WatchId, created.Created, created.Canceled, created.Header.Revision));
        EtcdServer server = _member.Host.Server;
        Assert.Equal((server.ClusterId, server.MemberId, server.RaftTerm), (created.Header.ClusterId, created.Header.MemberId, created.Header.RaftTerm));

        await client.CreateAsync("b", id: 7);
        WatchResponse duplicate = await client.NextAsync();
        Assert.Equal((-1L, true, true, "mvcc: duplicate watch ID provided on the WatchStream"),
            (duplicate.WatchId, duplicate.Created, duplicate.Canceled, duplicate.CancelReason));

        await client.CreateAsync(new WatchCreateRequest { Key = B("z"), RangeEnd = B("a") });
        Assert.Equal("mvcc: watcher range is empty", (await client.NextAsync()).CancelReason);

        await client.CancelAsync(7);
        WatchResponse canceled = await client.NextAsync();
        Assert.Equal((7L, false, true), (canceled.WatchId, canceled.Created, canceled.Canceled));
        await client.CancelAsync(99);
        await client.CreateAsync("c");
        Assert.Equal(0, (await client.NextAsync()).WatchId);
    }

    [Fact]
    public async Task Create_StartRevisionCompacted_CanceledWithCompactRevisionAndReason()
    {
        for (int i = 0; i < 5; i++)
        {
            await Put("c", I(i));
        }
        await _member.CallAsync<CompactionRequest, CompactionResponse>("/etcdserverpb.KV/Compact", new CompactionRequest { Revision = 4 });
        await using var client = new WatchClient(_member.Channel);
        await client.CreateAsync("c", startRevision: 2);
        long id = (await client.CreatedAsync(1))[0];
        WatchResponse r = await client.NextAsync();
        Assert.Equal((id, true, 4L, CompactedException.ErrorMessage), (r.WatchId, r.Canceled, r.CompactRevision, r.CancelReason));
    }

    [Fact]
    public async Task Create_FiltersAndPrevKv_ShapeTheEvents()
    {
        await Put("f", "old");
        await using var client = new WatchClient(_member.Channel);
        var noPut = new WatchCreateRequest { Key = B("f"), PrevKv = true };
        noPut.Filters.Add(WatchCreateRequest.Types.FilterType.Noput);
        await client.CreateAsync(noPut);
        await client.CreatedAsync(1);
        await Put("f", "new");
        long del = (await Delete("f")).Header.Revision;
        WatchResponse r = await client.NextAsync();
        Event e = Assert.Single(r.Events);
        Assert.Equal((Event.Types.EventType.Delete, del, "new"), (e.Type, e.Kv.ModRevision, e.PrevKv.Value.ToStringUtf8()));
    }

    [Fact]
    public async Task Create_FragmentOverTheSizeLimit_SplitsAndReassembles()
    {
        // Ten 240 KiB values deleted in one revision: with prev_kv the answer is ~2.4 MB, over the 2 MB limit.
        string value = new('x', 240 * 1024);
        for (int i = 0; i < 10; i++)
        {
            await Put("g/" + I(i), value);
        }
        await using var client = new WatchClient(_member.Channel);
        await client.CreateAsync(new WatchCreateRequest { Key = B("g/"), RangeEnd = B("g0"), PrevKv = true, Fragment = true });
        await client.CreatedAsync(1);
        long del = (await Delete("g/", "g0")).Header.Revision;
        var parts = new List<WatchResponse>();
        do
        {
            parts.Add(await client.NextAsync());
        }
        while (parts[^1].Fragment);
        Assert.True(parts.Count >= 2, "expected fragments");
        Assert.All(parts, p => Assert.True(p.CalculateSize() < 1572864 + 512 * 1024 || p.Events.Count == 1));
        List<Event> events = parts.SelectMany(p => p.Events).ToList();
        Assert.Equal(10, events.Count);
        Assert.All(events, e => Assert.Equal((del, value.Length), (e.Kv.ModRevision, e.PrevKv.Value.Length)));
    }
}
