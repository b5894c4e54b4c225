using EtcdNet.Raft.Raftpb;
using EtcdNet.Server.Membership;
using EtcdNet.Storage;
using EtcdNet.Storage.Schema;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Member = EtcdNet.Server.Membership.Member;
using Metadata = EtcdNet.Api.Etcdserverpb.Metadata;
using RaftSnapshot = EtcdNet.Raft.Raftpb.Snapshot;

namespace EtcdNet.Server.Backup;

/// <summary>
/// etcdctl's `snapshot restore`: turns a saved snapshot into the data dir of one member of a new cluster. The
/// database keeps every key, lease and revision but forgets the old members; the new ones, derived from
/// --initial-cluster exactly as bootstrap derives them, go into the members bucket and into a WAL whose first
/// entries add them, closed by a raft snapshot at that index. A member started on the data dir therefore restarts
/// (no bootstrap) with the data, and every member restored with the same flags agrees on ids and cluster id.
/// </summary>
public static partial class SnapshotRestore
{
    /// <summary>The raft term the restored log is written at, as etcd's restore does.</summary>
    private const ulong Term = 1;

    /// <summary>Writes the data dir; throws <see cref="BackupException"/> with etcdctl's message on refusal.</summary>
    public static void Restore(RestoreConfig config, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(config);
        var peerUrls = PeerUrls.Parse(config.PeerUrls);
        var initial = PeerUrls.ParseMap(config.InitialCluster);
        VerifyBootstrap(config.Name, peerUrls, initial);

        var members = initial
            .Select(p => new Member(Member.ComputeId(p.Value, config.InitialClusterToken), p.Key, p.Value, [], IsLearner: false))
            .OrderBy(m => m.Id)
            .ToList();
        var clusterId = Member.ComputeClusterId(members.Select(m => m.Id));
        var local = members.Single(m => m.Name == config.Name);

        var dataDir = config.EffectiveDataDir;
        if (Directory.Exists(dataDir) || File.Exists(dataDir))
        {
            throw new BackupException($"data-dir \"{dataDir}\" exists");
        }
        var walDir = Path.Combine(dataDir, "member", "wal");
        var snapDir = Path.Combine(dataDir, "member", "snap");
        LogRestoring(logger, config.SnapshotPath, walDir, dataDir, snapDir);
        try
        {
            Directory.CreateDirectory(snapDir);
            SaveDb(config, Path.Combine(snapDir, "db"), members);
            SaveWalAndSnap(walDir, snapDir, members, local.Id, clusterId);
        }
        catch
        {
            // Unlike etcdctl, leave nothing half-written behind: a retry would otherwise be refused as "exists".
            TryDelete(dataDir);
            throw;
        }
        LogRestored(logger, config.SnapshotPath, walDir, dataDir, snapDir, $"{clusterId:x}", $"{local.Id:x}");
    }

    /// <summary>
    /// Copies the database out of the snapshot file and rewrites what belonged to the old cluster: its members
    /// give way to the new ones, and the consistent index becomes the new log's last index so that the entries
    /// the new cluster commits are applied rather than taken for replays of the old cluster's.
    /// </summary>
    private static void SaveDb(RestoreConfig config, string dbPath, IReadOnlyList<Member> members)
    {
        SnapshotFile.CopyVerified(config.SnapshotPath, dbPath, config.SkipHashCheck);
        Backend backend;
        try
        {
            backend = Backend.Open(dbPath, new BackendOptions { BatchInterval = TimeSpan.Zero });
        }
        catch (Exception e) when (e is not BackupException)
        {
            throw new BackupException($"cannot open database at {dbPath} ({e.Message})");
        }
        using (backend)
        {
            var tx = backend.BatchTx;
            using (tx.Lock())
            {
                foreach (var bucket in new[] { Buckets.Members, Buckets.MembersRemoved })
                {
                    foreach (var pair in tx.UnsafeRange(bucket, [], [], 0)) tx.Delete(bucket, pair.Key);
                }
                foreach (var m in members)
                {
                    tx.Put(Buckets.Members, MemberKey.Encode(m.Id), RaftCluster.ToProto(m).ToByteArray());
                }
                tx.Put(Buckets.Meta, MetaKeys.ConsistentIndexKey, ConsistentIndex.Encode((ulong)members.Count));
            }
            backend.Commit();
        }
    }

    /// <summary>
    /// The new log: one conf change per member at term 1 (what bootstrap would have proposed), committed, and a
    /// raft snapshot at its end holding the membership, so a restart reads no entry and replays nothing.
    /// </summary>
    private static void SaveWalAndSnap(string walDir, string snapDir, IReadOnlyList<Member> members, ulong localId, ulong clusterId)
    {
        var metadata = new Metadata { NodeID = localId, ClusterID = clusterId };
        using var wal = Wal.Create(walDir, metadata.ToByteArray());
        var entries = new List<Entry>(members.Count);
        for (var i = 0; i < members.Count; i++)
        {
            var cc = new ConfChange
            {
                Type = ConfChangeType.ConfChangeAddNode,
                NodeId = members[i].Id,
                Context = RaftCluster.ToProto(members[i]).ToByteString(),
            };
            entries.Add(new Entry { Type = EntryType.EntryConfChange, Term = Term, Index = (ulong)i + 1, Data = cc.ToByteString() });
        }
        var commit = (ulong)entries.Count;
        wal.Save(new HardState { Term = Term, Vote = members[0].Id, Commit = commit }, entries);

        var confState = new ConfState();
        confState.Voters.AddRange(members.Select(m => m.Id));
        var snapshot = new RaftSnapshot
        {
            Data = ByteString.Empty,
            Metadata = new SnapshotMetadata { Index = commit, Term = Term, ConfState = confState },
        };
        new Snapshotter(snapDir).Save(snapshot);
        wal.SaveSnapshot(WalSnapshot.From(snapshot.Metadata));
    }

    /// <summary>etcd's ServerConfig.VerifyBootstrap, with its messages (URLs are compared as written, not resolved).</summary>
    private static void VerifyBootstrap(string name, List<string> peerUrls, SortedDictionary<string, List<string>> initial)
    {
        if (!initial.TryGetValue(name, out var clusterUrls))
        {
            throw new BackupException($"couldn't find local name \"{name}\" in the initial cluster configuration");
        }
        if (!clusterUrls.SequenceEqual(peerUrls))
        {
            var local = new[] { KeyValuePair.Create(name, peerUrls) };
            var missing = clusterUrls.Except(peerUrls).Select(u => $"{name}={u}").Order(StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
            {
                throw new BackupException(
                    $"--initial-cluster has {string.Join(',', missing)} but missing from --initial-advertise-peer-urls={string.Join(',', peerUrls)} ({Mismatch(peerUrls, clusterUrls)})");
            }
            var extra = peerUrls.Except(clusterUrls).Order(StringComparer.Ordinal).ToList();
            if (extra.Count > 0)
            {
                throw new BackupException(
                    $"--initial-advertise-peer-urls has {string.Join(',', extra)} but missing from --initial-cluster={PeerUrls.Format(local)}");
            }
            throw new BackupException(
                $"failed to resolve {string.Join(',', peerUrls)} to match --initial-cluster={PeerUrls.Format(local)} ({Mismatch(peerUrls, clusterUrls)})");
        }
        var all = initial.SelectMany(p => p.Value).ToList();
        if (all.Count != all.Distinct(StringComparer.Ordinal).Count())
        {
            throw new BackupException($"initial cluster {PeerUrls.Format(initial)} has duplicate url");
        }
    }

    /// <summary>netutil.URLStringsEqual's reason for two sorted lists that differ.</summary>
    private static string Mismatch(List<string> a, List<string> b)
    {
        if (a.Count != b.Count)
        {
            return $"len({GoQuoted(a)}) != len({GoQuoted(b)})";
        }
        var i = Enumerable.Range(0, a.Count).First(i => a[i] != b[i]);
        return $"resolved urls: \"{a[i]}\" != \"{b[i]}\"";
    }

    private static string GoQuoted(IEnumerable<string> items) => "[" + string.Join(' ', items.Select(s => $"\"{s}\"")) + "]";

    private static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [LoggerMessage(EventId = 5700, Level = LogLevel.Information, Message = "restoring snapshot path={Path} wal-dir={WalDir} data-dir={DataDir} snap-dir={SnapDir}")]
    private static partial void LogRestoring(ILogger logger, string path, string walDir, string dataDir, string snapDir);

    [LoggerMessage(EventId = 5701, Level = LogLevel.Information, Message = "restored snapshot path={Path} wal-dir={WalDir} data-dir={DataDir} snap-dir={SnapDir} cluster-id={ClusterId} local-member-id={LocalMemberId}")]
    private static partial void LogRestored(ILogger logger, string path, string walDir, string dataDir, string snapDir, string clusterId, string localMemberId);
}
