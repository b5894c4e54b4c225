using EtcdNet.Server.Raft;
using EtcdNet.Snapshot;
using EtcdNet.Storage;
using EtcdNet.Storage.Schema;
using EtcdNet.TestKit;
using Member = EtcdNet.Server.Membership.Member;
using Pb = EtcdNet.Api.Membershippb;

namespace EtcdNet.Tests.Snapshot;

/// <summary>`etcdnet snapshot restore`: what it writes, and what it refuses with etcdctl 3.4's messages.</summary>
public sealed class SnapshotRestoreCommandTests : IDisposable
{
    private readonly TempDir _dir = new("etcdnet-restore");

    public void Dispose() => _dir.Dispose();

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = SnapshotCommand.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private string DataDir(string name) => Path.Combine(_dir.Path, name);

    [Fact]
    public void Restore_SavedSnapshot_WritesNewMembersLogAndSnapshot()
    {
        var file = SnapshotFixture.Write(_dir.Path);
        var dataDir = DataDir("m1");

        var result = Run("restore", file, "--name", "m1", "--data-dir", dataDir,
            "--initial-cluster", "m1=http://127.0.0.1:2380", "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
            "--initial-cluster-token", "tok");

        Assert.True(result.Code == 0, result.Stderr);
        var id = Member.ComputeId(["http://127.0.0.1:2380"], "tok");
        using (var log = DurableRaftLog.Open(Path.Combine(dataDir, "member")))
        {
            Assert.Equal(id, log.Metadata.NodeID);
            Assert.Equal(Member.ComputeClusterId([id]), log.Metadata.ClusterID);
            var snapshot = log.Memory.Snapshot().Metadata;
            Assert.Equal(1ul, snapshot.Index);
            Assert.Equal(1ul, snapshot.Term);
            Assert.Equal(new[] { id }, snapshot.ConfState.Voters);
            Assert.Equal(1ul, log.Memory.HardState.Commit);
        }
        using var backend = Backend.Open(Path.Combine(dataDir, "member", "snap", "db"));
        using var read = backend.ConcurrentReadTx();
        var members = new List<Pb.Member>();
        read.UnsafeForEach(Buckets.Members, (_, v) =>
        {
            members.Add(Pb.Member.Parser.ParseFrom(v.ToArray()));
            return true;
        });
        var member = Assert.Single(members);
        Assert.Equal(id, member.ID);
        Assert.Equal("m1", member.MemberAttributes.Name);
        Assert.Equal(new[] { "http://127.0.0.1:2380" }, member.RaftAttributes.PeerUrls);
        Assert.Equal(0, read.UnsafeForEach(Buckets.MembersRemoved, (_, _) => true));
        Assert.True(read.TryGet(Buckets.Meta, MetaKeys.ConsistentIndexKey, out var ci));
        Assert.Equal(1ul, ConsistentIndex.Decode(ci));
        Assert.Equal(2, read.UnsafeForEach(Buckets.Key, (_, _) => true));
    }

    [Fact]
    public void Restore_ThreeMembers_EachGetsItsBootstrapIdAndTheSameLog()
    {
        var file = SnapshotFixture.Write(_dir.Path);
        const string cluster = "a=http://127.0.0.1:1,b=http://127.0.0.1:2,c=http://127.0.0.1:3";
        var ids = new[] { 1, 2, 3 }.Select(p => Member.ComputeId([$"http://127.0.0.1:{p}"], "etcd-cluster")).ToArray();

        foreach (var (name, port) in new[] { ("a", 1), ("b", 2), ("c", 3) })
        {
            var result = Run("restore", file, $"--name={name}", $"--data-dir={DataDir(name)}",
                $"--initial-cluster={cluster}", $"--initial-advertise-peer-urls=http://127.0.0.1:{port}");
            Assert.True(result.Code == 0, result.Stderr);
        }

        foreach (var (name, index) in new[] { ("a", 0), ("b", 1), ("c", 2) })
        {
            using var log = DurableRaftLog.Open(Path.Combine(DataDir(name), "member"));
            Assert.Equal(ids[index], log.Metadata.NodeID);
            Assert.Equal(Member.ComputeClusterId(ids), log.Metadata.ClusterID);
            Assert.Equal(ids.Order(), log.Memory.Snapshot().Metadata.ConfState.Voters);
            Assert.Equal(3ul, log.Memory.Snapshot().Metadata.Index);
        }
    }

    [Fact]
    public void Restore_ExistingDataDir_RefusedWithEtcdctlMessage()
    {
        var file = SnapshotFixture.Write(_dir.Path);

        var result = Run("restore", file, "--data-dir", _dir.Path);

        Assert.Equal(1, result.Code);
        Assert.Equal($"Error: data-dir \"{_dir.Path}\" exists", result.Stderr.Trim());
    }

    [Fact]
    public void Restore_NameNotInInitialCluster_Refused()
    {
        var file = SnapshotFixture.Write(_dir.Path);

        var result = Run("restore", file, "--name", "a", "--data-dir", DataDir("x"), "--initial-cluster", "b=http://127.0.0.1:1");

        Assert.Equal(1, result.Code);
        Assert.Equal("Error: couldn't find local name \"a\" in the initial cluster configuration", result.Stderr.Trim());
        Assert.False(Directory.Exists(DataDir("x")));
    }

    [Fact]
    public void Restore_AdvertisedUrlsDifferFromInitialCluster_RefusedAsEtcdctl()
    {
        var file = SnapshotFixture.Write(_dir.Path);

        var result = Run("restore", file, "--name", "a", "--data-dir", DataDir("x"),
            "--initial-cluster", "a=http://127.0.0.1:1", "--initial-advertise-peer-urls", "http://127.0.0.1:2");

        Assert.Equal(1, result.Code);
        Assert.Equal(
            "Error: --initial-cluster has a=http://127.0.0.1:1 but missing from --initial-advertise-peer-urls=http://127.0.0.1:2 (resolved urls: \"http://127.0.0.1:2\" != \"http://127.0.0.1:1\")",
            result.Stderr.Trim());
    }

    [Theory]
    [InlineData("ftp://127.0.0.1:1", "Error: URL scheme must be http, https, unix, or unixs: ftp://127.0.0.1:1")]
    [InlineData("http://127.0.0.1", "Error: URL address does not have the form \"host:port\": http://127.0.0.1")]
    [InlineData("http://127.0.0.1:1/x", "Error: URL must not contain a path: http://127.0.0.1:1/x")]
    public void Restore_BadPeerUrl_RefusedWithEtcdsUrlMessage(string url, string expected)
    {
        var file = SnapshotFixture.Write(_dir.Path);

        var result = Run("restore", file, "--data-dir", DataDir("x"), "--initial-advertise-peer-urls", url);

        Assert.Equal(1, result.Code);
        Assert.Equal(expected, result.Stderr.Trim());
    }

    [Fact]
    public void Restore_FileWithoutTrailer_RefusedUnlessSkipHashCheck()
    {
        var file = SnapshotFixture.Write(_dir.Path, trailer: false);

        var refused = Run("restore", file, "--data-dir", DataDir("x"));
        var accepted = Run("restore", file, "--data-dir", DataDir("y"), "--skip-hash-check");

        Assert.Equal(1, refused.Code);
        Assert.Equal("Error: snapshot missing hash but --skip-hash-check=false", refused.Stderr.Trim());
        Assert.False(Directory.Exists(DataDir("x")));
        Assert.True(accepted.Code == 0, accepted.Stderr);
        Assert.True(Directory.Exists(Path.Combine(DataDir("y"), "member", "wal")));
    }

    [Fact]
    public void Restore_TrailerDoesNotMatch_RefusedAndLeavesNothing()
    {
        var file = SnapshotFixture.Write(_dir.Path);
        var bytes = File.ReadAllBytes(file);
        bytes[100] ^= 0xff;
        File.WriteAllBytes(file, bytes);

        var result = Run("restore", file, "--data-dir", DataDir("x"));

        Assert.Equal(1, result.Code);
        Assert.StartsWith("Error: expected sha256 [", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("], got [", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(DataDir("x")));
    }

    [Fact]
    public void Restore_MissingFile_RefusedAsGoOpenError()
    {
        var result = Run("restore", "nofile.db", "--data-dir", DataDir("x"));

        Assert.Equal(1, result.Code);
        Assert.Equal("Error: open nofile.db: no such file or directory", result.Stderr.Trim());
    }

    [Fact]
    public void Restore_WithoutFileArgument_ExitsWithBadArgs()
    {
        var result = Run("restore", "--data-dir", DataDir("x"));

        Assert.Equal(128, result.Code);
        Assert.Equal("Error: snapshot restore requires exactly one argument", result.Stderr.Trim());
    }

    [Fact]
    public void Restore_UnknownFlag_PrintsUsageAndError()
    {
        var result = Run("restore", "--foo", "x.db");

        Assert.Equal(1, result.Code);
        Assert.Contains("snapshot restore - Restores an etcd member snapshot to an etcd directory", result.Stdout, StringComparison.Ordinal);
        Assert.Equal("Error: unknown flag: --foo", result.Stderr.Trim());
    }
}
