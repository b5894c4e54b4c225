using System.Security.Cryptography;
using EtcdNet.Api.Mvccpb;
using EtcdNet.Storage;
using EtcdNet.Storage.Schema;
using Google.Protobuf;

namespace EtcdNet.Tests.Snapshot;

/// <summary>
/// Writes what `etcdctl snapshot save` would have fetched from a member: a backend database holding two keys at
/// revisions 2 and 3, an old member and a consistent index, followed by (or, on request, without) the sha256 trailer.
/// </summary>
internal static class SnapshotFixture
{
    public const ulong OldMemberId = 0xabcdef;
    public const ulong OldConsistentIndex = 42;

    public static string Write(string dir, bool trailer = true)
    {
        var db = Path.Combine(dir, $"source-{Guid.NewGuid():N}.db");
        using (var backend = Backend.Open(db, new BackendOptions { BatchInterval = TimeSpan.Zero }))
        {
            var tx = backend.BatchTx;
            Put(tx, "a", "1", 2);
            Put(tx, "b", "2", 3);
            tx.Put(Buckets.Members, MemberKey.Encode(OldMemberId), new byte[] { 1 });
            tx.Put(Buckets.MembersRemoved, MemberKey.Encode(0x99), new byte[] { 1 });
            tx.Put(Buckets.Meta, MetaKeys.ConsistentIndexKey, ConsistentIndex.Encode(OldConsistentIndex));
            backend.Commit();
        }
        var bytes = File.ReadAllBytes(db);
        var file = Path.Combine(dir, $"snapshot-{Guid.NewGuid():N}.db");
        File.WriteAllBytes(file, trailer ? [.. bytes, .. SHA256.HashData(bytes)] : bytes);
        File.Delete(db);
        return file;
    }

    private static void Put(BatchTx tx, string key, string value, long revision)
    {
        var kv = new KeyValue
        {
            Key = ByteString.CopyFromUtf8(key),
            Value = ByteString.CopyFromUtf8(value),
            CreateRevision = revision,
            ModRevision = revision,
            Version = 1,
        };
        tx.Put(Buckets.Key, RevisionKey.Encode(revision, 0), kv.ToByteArray());
    }
}
