using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Api.Mvccpb;
using EtcdNet.Mvcc.Watch;
using static EtcdNet.Mvcc.Tests.StoreFixture;

namespace EtcdNet.Mvcc.Tests.Watch;

/// <summary>A kv store with a watchable store as its observer, and helpers to read a stream with a deadline.</summary>
internal sealed class WatchFixture : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public WatchFixture(WatchableStoreOptions? options = null)
    {
        Kv = new StoreFixture();
        Watchable = new WatchableStore(Kv.Store, options);
        Kv.Options.Observer = Watchable;
    }

    public StoreFixture Kv { get; private set; }

    public WatchableStore Watchable { get; private set; }

    public long Put(string key, string value) => Kv.Put(key, value);

    public long Delete(string key, string? end = null) => Kv.Delete(key, end).Header.Revision;

    public long Txn(params RequestOp[] ops)
    {
        var txn = new TxnRequest();
        txn.Success.AddRange(ops);
        return Kv.Store.Txn(txn).Header.Revision;
    }

    /// <summary>Restarts kv store and watchable store over the same data dir.</summary>
    public void Restart(WatchableStoreOptions? options = null)
    {
        Watchable.Dispose();
        Kv.Reopen();
        Watchable = new WatchableStore(Kv.Store, options);
        Kv.Options.Observer = Watchable;
    }

    public static WatcherSpec Key(string key, long start = 0, long id = 0) => new() { Key = B(key).ToByteArray(), StartRevision = start, Id = id };

    public static WatcherSpec Range(string key, string end, long start = 0) =>
        new() { Key = B(key).ToByteArray(), End = B(end).ToByteArray(), StartRevision = start };

    public static WatcherSpec Prefix(string prefix, long start = 0) => Range(prefix, PrefixEnd(prefix), start);

    public static string PrefixEnd(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);

    public static async Task<WatchUpdate> NextAsync(WatchStream stream)
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (true)
        {
            if (stream.TryRead(out WatchUpdate u))
            {
                return u;
            }
            if (!await stream.WaitToReadAsync(cts.Token))
            {
                throw new InvalidOperationException("stream closed");
            }
        }
    }

    /// <summary>Reads items until <paramref name="count"/> events have arrived for <paramref name="id"/>; fails on anything unexpected.</summary>
    public static async Task<List<Event>> EventsAsync(WatchStream stream, long id, int count, List<WatchUpdate>? items = null)
    {
        var events = new List<Event>();
        while (events.Count < count)
        {
            WatchUpdate u = await NextAsync(stream);
            items?.Add(u);
            if (u.Kind == WatchUpdateKind.Events && u.WatchId == id)
            {
                events.AddRange(u.Events);
            }
        }
        Assert.Equal(count, events.Count);
        return events;
    }

    /// <summary>True when nothing is queued (for "nothing more was sent" checks after a known-later item).</summary>
    public static bool Empty(WatchStream stream) => !stream.TryRead(out _);

    public void Dispose()
    {
        Watchable.Dispose();
        Kv.Dispose();
    }
}
