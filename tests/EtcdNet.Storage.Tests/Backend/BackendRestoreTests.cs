using System.Text;
using EtcdNet.Storage.Schema;

namespace EtcdNet.Storage.Tests.Backend;

public sealed class BackendRestoreTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private EtcdNet.Storage.Backend Open(string name) =>
        EtcdNet.Storage.Backend.Open(_dir.File(name), new BackendOptions { BatchInterval = TimeSpan.Zero, Fsync = false });

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static string S(byte[] b) => Encoding.UTF8.GetString(b);

    private static List<string> Keys(EtcdNet.Storage.Backend backend, Bucket bucket)
    {
        using ReadTx tx = backend.ConcurrentReadTx();
        return tx.UnsafeRange(bucket, [], [], 0).Select(kv => S(kv.Key)).ToList();
    }

    [Fact]
    public void SnapshotTo_CommittedAndPendingWrites_CopiesOnlyCommitted()
    {
        using var backend = Open("db");
        backend.BatchTx.Put(Buckets.Key, B("a"), B("1"));
        backend.BatchTx.Put(Buckets.Meta, B("m"), B("2"));
        backend.Commit();
        backend.BatchTx.Put(Buckets.Key, B("pending"), B("3"));

        string copy = _dir.File("copy.db");
        backend.SnapshotTo(copy);

        using var snapshot = Open("copy.db");
        Assert.Equal(["a"], Keys(snapshot, Buckets.Key));
        Assert.Equal(["m"], Keys(snapshot, Buckets.Meta));
        // The source still has its buffered write.
        Assert.Equal(["a", "pending"], Keys(backend, Buckets.Key));
    }

    [Fact]
    public void SnapshotTo_ExistingTarget_Throws()
    {
        using var backend = Open("db");
        string copy = _dir.File("copy.db");
        File.WriteAllBytes(copy, B("not empty"));
        Assert.Throws<BackendException>(() => backend.SnapshotTo(copy));
    }

    [Fact]
    public void Restore_FromAnotherBackendsSnapshot_ReplacesContentsAndDropsPending()
    {
        string source = _dir.File("source.snap.db");
        using (var other = Open("other"))
        {
            other.BatchTx.Put(Buckets.Key, B("theirs"), B("x"));
            other.BatchTx.Put(Buckets.Lease, B("l"), B("y"));
            other.Commit();
            other.SnapshotTo(source);
        }
        using var backend = Open("db");
        backend.BatchTx.Put(Buckets.Key, B("mine"), B("1"));
        backend.Commit();
        backend.BatchTx.Put(Buckets.Key, B("mine-pending"), B("2"));
        using (ReadTx idle = backend.ConcurrentReadTx())
        {
            Assert.True(idle.TryGet(Buckets.Key, B("mine"), out _));
        }

        backend.Restore(source);

        Assert.False(File.Exists(source));
        Assert.Equal(["theirs"], Keys(backend, Buckets.Key));
        Assert.Equal(["l"], Keys(backend, Buckets.Lease));
        Assert.Equal(0, backend.BatchTx.Pending);
        Assert.True(backend.BatchTx.TryGet(Buckets.Key, B("theirs"), out byte[]? value));
        Assert.Equal("x", S(value));
    }

    [Fact]
    public void Restore_ThenWriteAndReopen_NewWritesSurviveOnTheRestoredData()
    {
        string source = _dir.File("source.snap.db");
        using (var other = Open("other"))
        {
            other.BatchTx.Put(Buckets.Key, B("theirs"), B("x"));
            other.Commit();
            other.SnapshotTo(source);
        }
        using (var backend = Open("db"))
        {
            backend.BatchTx.Put(Buckets.Key, B("mine"), B("1"));
            backend.Commit();
            backend.Restore(source);
            backend.BatchTx.Put(Buckets.Key, B("after"), B("2"));
            backend.Commit();
        }
        using var reopened = Open("db");
        Assert.Equal(["after", "theirs"], Keys(reopened, Buckets.Key));
    }

    [Fact]
    public async Task Restore_WhileAReadIsOpen_WaitsForIt()
    {
        string source = _dir.File("source.snap.db");
        using (var other = Open("other"))
        {
            other.BatchTx.Put(Buckets.Key, B("theirs"), B("x"));
            other.Commit();
            other.SnapshotTo(source);
        }
        using var backend = Open("db");
        backend.BatchTx.Put(Buckets.Key, B("mine"), B("1"));
        backend.Commit();

        ReadTx open = backend.ConcurrentReadTx();
        Task restore = Task.Run(() => backend.Restore(source));
        // A restore that did not wait would have closed the read's connection under it.
        Assert.NotSame(restore, await Task.WhenAny(restore, Task.Delay(TimeSpan.FromMilliseconds(300))));
        Assert.True(open.TryGet(Buckets.Key, B("mine"), out _));
        open.Dispose();

        await restore.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["theirs"], Keys(backend, Buckets.Key));
    }

    [Fact]
    public void Restore_MissingFile_ThrowsAndKeepsData()
    {
        using var backend = Open("db");
        backend.BatchTx.Put(Buckets.Key, B("mine"), B("1"));
        backend.Commit();
        Assert.Throws<BackendException>(() => backend.Restore(_dir.File("absent")));
        Assert.Equal(["mine"], Keys(backend, Buckets.Key));
    }

    [Fact]
    public async Task Readers_ConcurrentWithRestores_NeverFail()
    {
        using var backend = Open("db");
        backend.BatchTx.Put(Buckets.Key, B("k"), B("0"));
        backend.Commit();
        using var stop = new CancellationTokenSource();
        long reads = 0;
        Task[] readers = Enumerable.Range(0, 2).Select(n => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                using ReadTx tx = backend.ConcurrentReadTx();
                Assert.True(tx.TryGet(Buckets.Key, B("k"), out _));
                Interlocked.Increment(ref reads);
            }
        })).ToArray();
        for (int i = 0; i < 5; i++)
        {
            // Each restore waits for the readers to get a read in, so on a loaded machine the restores still land
            // between reads instead of all finishing before the reader threads are scheduled.
            long before = Interlocked.Read(ref reads);
            Assert.True(SpinWait.SpinUntil(() => Interlocked.Read(ref reads) > before || readers.Any(r => r.IsFaulted), TimeSpan.FromSeconds(30)),
                "the readers made no progress");
            string source = _dir.File($"source{i}.snap.db");
            using (var other = Open($"other{i}"))
            {
                other.BatchTx.Put(Buckets.Key, B("k"), B(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                other.Commit();
                other.SnapshotTo(source);
            }
            backend.Restore(source);
        }
        stop.Cancel();
        await Task.WhenAll(readers);
        Assert.True(Interlocked.Read(ref reads) >= 5);
        using ReadTx last = backend.ConcurrentReadTx();
        Assert.True(last.TryGet(Buckets.Key, B("k"), out byte[]? value));
        Assert.Equal("4", S(value));
    }
}
