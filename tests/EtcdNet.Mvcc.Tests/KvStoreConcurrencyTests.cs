using EtcdNet.Api.Etcdserverpb;
using static EtcdNet.Mvcc.Tests.StoreFixture;

namespace EtcdNet.Mvcc.Tests;

public sealed class KvStoreConcurrencyTests : IDisposable
{
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void Range_ConcurrentWithTxns_SeesWholeTransactionsOnly()
    {
        const int Keys = 8;
        const int Rounds = 300;
        var done = 0;
        var checkedReads = 0;
        Exception? failure = null;
        var readers = new Thread[2];
        for (int t = 0; t < readers.Length; t++)
        {
            readers[t] = new Thread(() =>
            {
                try
                {
                    while (Volatile.Read(ref done) == 0)
                    {
                        RangeResponse r;
                        try
                        {
                            r = _f.Store.Range(new RangeRequest { Key = B("k"), RangeEnd = B("l") });
                        }
                        catch (CompactedException)
                        {
                            // Legitimate: the revision this read started at was compacted while it ran.
                            continue;
                        }
                        if (r.Kvs.Count == 0)
                        {
                            continue;
                        }
                        string first = S(r.Kvs[0].Value);
                        foreach (var kv in r.Kvs)
                        {
                            // Every txn writes the same value to all keys; a mix means a torn read.
                            if (S(kv.Value) != first || kv.ModRevision > r.Header.Revision)
                            {
                                throw new InvalidOperationException($"torn read at {r.Header.Revision}: {first} vs {S(kv.Value)}");
                            }
                        }
                        if (r.Kvs.Count != Keys || r.Kvs[0].ModRevision != r.Header.Revision)
                        {
                            throw new InvalidOperationException($"read at {r.Header.Revision} saw {r.Kvs.Count} keys at mod {r.Kvs[0].ModRevision}");
                        }
                        Interlocked.Increment(ref checkedReads);
                    }
                }
                catch (Exception e)
                {
                    failure = e;
                }
            });
        }
        // One txn first so readers never see an empty-but-started state mid-test.
        var txn = new TxnRequest();
        for (int k = 0; k < Keys; k++)
        {
            txn.Success.Add(OpPut($"k{k}", "0"));
        }
        _f.Store.Txn(txn);
        foreach (Thread t in readers)
        {
            t.Start();
        }
        for (int i = 1; i <= Rounds && failure is null; i++)
        {
            txn = new TxnRequest();
            for (int k = 0; k < Keys; k++)
            {
                txn.Success.Add(OpPut($"k{k}", i.ToString()));
            }
            _f.Store.Txn(txn);
            if (i % 20 == 0)
            {
                _f.Store.Commit();
            }
            if (i % 100 == 0)
            {
                _f.Store.Compact(_f.Store.CurrentRevision - 1);
            }
        }
        Volatile.Write(ref done, 1);
        foreach (Thread t in readers)
        {
            t.Join();
        }
        Assert.Null(failure);
        Assert.True(checkedReads > 0);
        Assert.Equal(Rounds + 2, _f.Store.CurrentRevision);
    }
}
