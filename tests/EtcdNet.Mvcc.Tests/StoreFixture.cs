using System.Text;
using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Api.Mvccpb;
using EtcdNet.Storage;
using Google.Protobuf;

namespace EtcdNet.Mvcc.Tests;

/// <summary>A KvStore over a real backend in a temp directory, with terse request builders.</summary>
internal sealed class StoreFixture : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "etcdnet-mvcc-" + Guid.NewGuid().ToString("N"));

    public StoreFixture(KvStoreOptions? options = null)
    {
        Directory.CreateDirectory(_dir);
        Options = options ?? new KvStoreOptions();
        Backend = Backend.Open(DbPath, new BackendOptions { BatchInterval = TimeSpan.Zero, Fsync = false });
        Store = new KvStore(Backend, Options);
    }

    public string DbPath => Path.Combine(_dir, "db");

    public KvStoreOptions Options { get; }

    public Backend Backend { get; private set; }

    public KvStore Store { get; private set; }

    /// <summary>Closes and reopens backend and store, as a restart would.</summary>
    public void Reopen(KvStoreOptions? options = null)
    {
        Store.Commit();
        Store.Dispose();
        Backend.Dispose();
        Backend = Backend.Open(DbPath, new BackendOptions { BatchInterval = TimeSpan.Zero, Fsync = false });
        Store = new KvStore(Backend, options ?? Options);
    }

    public static ByteString B(string s) => ByteString.CopyFromUtf8(s);

    public static string S(ByteString b) => b.ToStringUtf8();

    public long Put(string key, string value, long lease = 0) =>
        Store.Put(new PutRequest { Key = B(key), Value = B(value), Lease = lease }).Header.Revision;

    public DeleteRangeResponse Delete(string key, string? end = null) =>
        Store.DeleteRange(new DeleteRangeRequest { Key = B(key), RangeEnd = end is null ? ByteString.Empty : B(end) });

    public RangeResponse Get(string key, string? end = null, long rev = 0) =>
        Store.Range(new RangeRequest { Key = B(key), RangeEnd = end is null ? ByteString.Empty : B(end), Revision = rev });

    public KeyValue? One(string key, long rev = 0)
    {
        RangeResponse r = Get(key, rev: rev);
        return r.Kvs.Count == 0 ? null : r.Kvs[0];
    }

    public static string[] Keys(RangeResponse r) => r.Kvs.Select(kv => S(kv.Key)).ToArray();

    public static RequestOp OpPut(string key, string value) => new() { RequestPut = new PutRequest { Key = B(key), Value = B(value) } };

    public static RequestOp OpGet(string key, string? end = null) =>
        new() { RequestRange = new RangeRequest { Key = B(key), RangeEnd = end is null ? ByteString.Empty : B(end) } };

    public static RequestOp OpDelete(string key, string? end = null) =>
        new() { RequestDeleteRange = new DeleteRangeRequest { Key = B(key), RangeEnd = end is null ? ByteString.Empty : B(end) } };

    public static RequestOp OpTxn(TxnRequest txn) => new() { RequestTxn = txn };

    public void Dispose()
    {
        Store.Dispose();
        Backend.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Lease port double: a set of existing leases and a log of attach/detach calls.</summary>
internal sealed class FakeLeases : ILeaseChecker
{
    public HashSet<long> Existing { get; } = [];

    public List<string> Log { get; } = [];

    public bool Exists(long leaseId) => Existing.Contains(leaseId);

    public void Attach(long leaseId, ReadOnlyMemory<byte> key) => Log.Add($"attach {leaseId} {Encoding.UTF8.GetString(key.Span)}");

    public void Detach(long leaseId, ReadOnlyMemory<byte> key) => Log.Add($"detach {leaseId} {Encoding.UTF8.GetString(key.Span)}");
}

/// <summary>Observer double recording every committed revision and its events.</summary>
internal sealed class RecordingObserver : IKvObserver
{
    public List<(long Revision, Event[] Events)> Seen { get; } = [];

    public void OnCommitted(long revision, IReadOnlyList<Event> events) => Seen.Add((revision, events.ToArray()));
}
