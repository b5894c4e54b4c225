using System.Text;
using EtcdNet.Storage.Schema;

namespace EtcdNet.Storage.Tests.Backend;

public sealed class BackendTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private EtcdNet.Storage.Backend Open(BackendOptions? options = null) =>
        EtcdNet.Storage.Backend.Open(_dir.File("db"), options ?? new BackendOptions { BatchInterval = TimeSpan.Zero, Fsync = false });

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static string S(byte[] b) => Encoding.UTF8.GetString(b);

    public static TheoryData<string> BucketNames() => new(Buckets.All.Select(b => b.Name));

    [Theory]
    [MemberData(nameof(BucketNames))]
    public void PutGet_EachBucket_RoundTripsBeforeAndAfterCommit(string name)
    {
        Bucket bucket = Buckets.All.Single(b => b.Name == name);
        using var backend = Open();
        backend.BatchTx.Put(bucket, B("k1"), B("v1"));
        Assert.True(backend.BatchTx.TryGet(bucket, B("k1"), out byte[]? before));
        Assert.Equal("v1", S(before));
        backend.Commit();
        using ReadTx tx = backend.ConcurrentReadTx();
        Assert.True(tx.TryGet(bucket, B("k1"), out byte[]? after));
        Assert.Equal("v1", S(after));
        foreach (Bucket other in Buckets.All.Where(b => b != bucket))
        {
            Assert.False(tx.TryGet(other, B("k1"), out _));
        }
    }

    [Fact]
    public void Put_EmptyValue_RoundTripsAsEmpty()
    {
        using var backend = Open();
        backend.BatchTx.Put(Buckets.Meta, B("k"), ReadOnlySpan<byte>.Empty);
        backend.Commit();
        using ReadTx tx = backend.ConcurrentReadTx();
        Assert.True(tx.TryGet(Buckets.Meta, B("k"), out byte[]? v));
        Assert.Empty(v);
    }

    [Fact]
    public void UnsafeRange_MixedCommittedAndBuffered_ReturnsKeyOrderWithLimit()
    {
        using var backend = Open();
        foreach (string k in new[] { "a", "c", "e", "g" })
        {
            backend.BatchTx.Put(Buckets.Key, B(k), B("old-" + k));
        }
        backend.Commit();
        backend.BatchTx.Put(Buckets.Key, B("b"), B("new-b"));
        backend.BatchTx.Put(Buckets.Key, B("c"), B("new-c"));
        backend.BatchTx.Delete(Buckets.Key, B("e"));
        backend.BatchTx.Put(Buckets.Key, B("h"), B("new-h"));

        using ReadTx tx = backend.ConcurrentReadTx();
        var all = tx.UnsafeRange(Buckets.Key, B("a"), ReadOnlySpan<byte>.Empty, 0);
        Assert.Equal(["a=old-a", "b=new-b", "c=new-c", "g=old-g", "h=new-h"], all.Select(p => S(p.Key) + "=" + S(p.Value)));

        var bounded = tx.UnsafeRange(Buckets.Key, B("b"), B("g"), 0);
        Assert.Equal(["b", "c"], bounded.Select(p => S(p.Key)));

        var limited = tx.UnsafeRange(Buckets.Key, B("a"), ReadOnlySpan<byte>.Empty, 3);
        Assert.Equal(["a", "b", "c"], limited.Select(p => S(p.Key)));

        var fromWriter = backend.BatchTx.UnsafeRange(Buckets.Key, B("c"), B("z"), 0);
        Assert.Equal(["c", "g", "h"], fromWriter.Select(p => S(p.Key)));
    }

    [Fact]
    public void ConcurrentReadTx_SeesBufferedWrites_AndDeletesHideCommitted()
    {
        using var backend = Open();
        backend.BatchTx.Put(Buckets.Lease, B("x"), B("1"));
        backend.Commit();
        backend.BatchTx.Delete(Buckets.Lease, B("x"));
        backend.BatchTx.Put(Buckets.Lease, B("y"), B("2"));
        Assert.Equal(2, backend.BatchTx.Pending);

        using ReadTx tx = backend.ConcurrentReadTx();
        Assert.False(tx.TryGet(Buckets.Lease, B("x"), out _));
        Assert.True(tx.TryGet(Buckets.Lease, B("y"), out byte[]? y));
        Assert.Equal("2", S(y));
    }

    [Fact]
    public void ReadTx_OpenAcrossCommit_StillSeesTheBatch()
    {
        using var backend = Open();
        backend.BatchTx.Put(Buckets.Key, B("k"), B("v"));
        using ReadTx tx = backend.ConcurrentReadTx();
        backend.Commit();
        Assert.True(tx.TryGet(Buckets.Key, B("k"), out byte[]? v));
        Assert.Equal("v", S(v));
        Assert.Equal(0, backend.BatchTx.Pending);
    }

    [Fact]
    public void Commit_ThenReopen_DataSurvives()
    {
        string path = _dir.File("db");
        using (var backend = EtcdNet.Storage.Backend.Open(path, new BackendOptions { BatchInterval = TimeSpan.Zero }))
        {
            backend.BatchTx.Put(Buckets.Members, B("m1"), B("one"));
            backend.BatchTx.Put(Buckets.Meta, MetaKeys.ConsistentIndexKey, ConsistentIndex.Encode(42));
            backend.Commit();
        }
        using (var reopened = EtcdNet.Storage.Backend.Open(path))
        {
            using ReadTx tx = reopened.ConcurrentReadTx();
            Assert.True(tx.TryGet(Buckets.Members, B("m1"), out byte[]? v));
            Assert.Equal("one", S(v));
            Assert.True(tx.TryGet(Buckets.Meta, MetaKeys.ConsistentIndexKey, out byte[]? ci));
            Assert.Equal(42UL, ConsistentIndex.Decode(ci));
        }
    }

    [Fact]
    public void Dispose_CommitsPendingWrites()
    {
        string path = _dir.File("db");
        using (var backend = EtcdNet.Storage.Backend.Open(path, new BackendOptions { BatchInterval = TimeSpan.Zero }))
        {
            backend.BatchTx.Put(Buckets.Alarm, B("a"), B("1"));
        }
        using var reopened = EtcdNet.Storage.Backend.Open(path);
        using ReadTx tx = reopened.ConcurrentReadTx();
        Assert.True(tx.TryGet(Buckets.Alarm, B("a"), out _));
    }

    [Fact]
    public void BatchLimit_Reached_CommitsOnItsOwn()
    {
        using var backend = Open(new BackendOptions { BatchInterval = TimeSpan.Zero, BatchLimit = 3, Fsync = false });
        backend.BatchTx.Put(Buckets.Key, B("1"), B("1"));
        backend.BatchTx.Put(Buckets.Key, B("2"), B("2"));
        Assert.Equal(2, backend.BatchTx.Pending);
        backend.BatchTx.Put(Buckets.Key, B("3"), B("3"));
        Assert.Equal(0, backend.BatchTx.Pending);
    }

    [Fact]
    public void BatchLimit_InsideLockScope_WaitsForScopeEnd()
    {
        using var backend = Open(new BackendOptions { BatchInterval = TimeSpan.Zero, BatchLimit = 2, Fsync = false });
        using (backend.BatchTx.Lock())
        {
            for (int i = 0; i < 5; i++)
            {
                backend.BatchTx.Put(Buckets.Key, B("k" + i), B("v"));
            }
            Assert.Equal(5, backend.BatchTx.Pending);
        }
        Assert.Equal(0, backend.BatchTx.Pending);
    }

    [Fact]
    public void BatchInterval_Elapsed_CommitsOnItsOwn()
    {
        using var backend = Open(new BackendOptions { BatchInterval = TimeSpan.FromMilliseconds(20), Fsync = false });
        backend.BatchTx.Put(Buckets.Key, B("k"), B("v"));
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (backend.BatchTx.Pending != 0 && DateTime.UtcNow < deadline)
        {
            Thread.Yield();
        }
        Assert.Equal(0, backend.BatchTx.Pending);
    }

    [Fact]
    public void Readers_ConcurrentWithWriterCommits_AlwaysSeeEveryAcknowledgedWrite()
    {
        using var backend = Open();
        const int Writes = 2000;
        int written = 0;
        Exception? failure = null;
        var readers = new Thread[2];
        for (int t = 0; t < readers.Length; t++)
        {
            readers[t] = new Thread(() =>
            {
                try
                {
                    while (Volatile.Read(ref written) < Writes)
                    {
                        int upTo = Volatile.Read(ref written);
                        using ReadTx tx = backend.ConcurrentReadTx();
                        int seen = tx.UnsafeRange(Buckets.Key, ReadOnlySpan<byte>.Empty, ReadOnlySpan<byte>.Empty, 0, (_, _) => true);
                        if (seen < upTo)
                        {
                            throw new InvalidOperationException($"saw {seen} keys, {upTo} were written");
                        }
                        if (upTo > 0 && !tx.TryGet(Buckets.Key, RevisionKey.Encode(upTo, 0), out _))
                        {
                            throw new InvalidOperationException($"key {upTo} missing");
                        }
                    }
                }
                catch (Exception e)
                {
                    failure = e;
                }
            });
            readers[t].Start();
        }
        for (int i = 1; i <= Writes; i++)
        {
            backend.BatchTx.Put(Buckets.Key, RevisionKey.Encode(i, 0), B("v"));
            Volatile.Write(ref written, i);
            if (i % 50 == 0)
            {
                backend.Commit();
            }
        }
        foreach (Thread t in readers)
        {
            t.Join();
        }
        Assert.Null(failure);
    }

    [Fact]
    public void Size_AfterWrites_IsPositiveAndInUseNotLarger()
    {
        using var backend = Open();
        for (int i = 0; i < 200; i++)
        {
            backend.BatchTx.Put(Buckets.Key, RevisionKey.Encode(i, 0), new byte[512]);
        }
        backend.Commit();
        Assert.True(backend.Size > 100 * 512);
        Assert.InRange(backend.SizeInUse, 1, backend.Size);
    }
}
