using System.Text.Json;
using EtcdNet.TestKit;

namespace EtcdNet.E2E.Tests.Maintenance;

/// <summary>
/// `etcdctl snapshot save` from a running member, then `etcdnet snapshot restore` and a start on the restored data
/// dir: the new member serves the saved keys at the saved revision, as a real etcd 3.4 restored with etcdctl does.
/// </summary>
public sealed class SnapshotRestoreTests : IDisposable
{
    private readonly TempDir _dir = new("etcdnet-restore-e2e");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task SaveRestoreStart_ServesTheSavedData_AsRealEtcdDoes()
    {
        var etcd = await SaveRestoreAndReadAsync(ServerKind.Etcd);
        var etcdNet = await SaveRestoreAndReadAsync(ServerKind.EtcdNet);

        Assert.Equal("a\n3\nc\n4\n", etcd.Keys);
        Assert.Equal(etcd.Keys, etcdNet.Keys);
        Assert.Equal(etcd.Revision, etcdNet.Revision);
        Assert.Equal(etcd.RevisionAfterPut, etcdNet.RevisionAfterPut);
        Assert.Equal(etcd.Members, etcdNet.Members);
    }

    [Fact]
    public async Task RestoreIntoThreeMembers_EveryMemberServesTheDataAndReplicatesNewWrites()
    {
        var file = await SaveFromFreshMemberAsync(ServerKind.EtcdNet);
        var members = new[] { "r1", "r2", "r3" }
            .Select(n => Member.Prepare(ServerKind.EtcdNet, n, Path.Combine(_dir.Path, n)))
            .ToList();
        var initial = string.Join(',', members.Select(m => $"{m.Name}={m.PeerUrl}"));
        try
        {
            foreach (var m in members)
            {
                m.InitialCluster = initial;
                await RestoreAsync(ServerKind.EtcdNet, file, m);
            }
            foreach (var m in members) m.Launch();
            foreach (var m in members) await m.WaitHealthyAsync();

            foreach (var m in members)
            {
                Assert.Equal("3\n", await OkAsync(m, "get", "a", "--print-value-only"));
            }
            var list = await OkAsync(members[0], "member", "list");
            Assert.Equal(3, list.Trim().Split('\n').Length);
            Assert.All(members, m => Assert.Contains($", started, {m.Name}, {m.PeerUrl}, {m.ClientUrl}, false", list, StringComparison.Ordinal));

            await OkAsync(members[0], "put", "after", "restore");
            foreach (var m in members)
            {
                Assert.Equal("restore\n", await OkAsync(m, "get", "after", "--print-value-only"));
            }
        }
        finally
        {
            foreach (var m in members) await m.DisposeAsync();
        }
    }

    private sealed record Outcome(string Keys, long Revision, long RevisionAfterPut, string Members);

    private async Task<Outcome> SaveRestoreAndReadAsync(ServerKind kind)
    {
        var file = await SaveFromFreshMemberAsync(kind);
        var restored = Member.Prepare(kind, "restored", Path.Combine(_dir.Path, $"{kind}-restored"));
        await RestoreAsync(kind, file, restored);
        await using (restored)
        {
            await restored.StartProcessAsync();
            var keys = await OkAsync(restored, "get", "", "--prefix");
            var revision = await RevisionAsync(restored);
            await OkAsync(restored, "put", "d", "5");
            var after = await RevisionAsync(restored);
            var members = (await OkAsync(restored, "member", "list"))
                .Replace(restored.PeerUrl, "<peer-url>", StringComparison.Ordinal)
                .Replace(restored.ClientUrl, "<client-url>", StringComparison.Ordinal);
            // Member ids come from the same flags and token on both, but the ports differ: compare the rest.
            members = string.Join('\n', members.Split('\n').Select(l => l.Contains(',', StringComparison.Ordinal) ? l[l.IndexOf(',', StringComparison.Ordinal)..] : l));
            return new Outcome(keys, revision, after, members);
        }
    }

    /// <summary>A fresh member with a short history (revision 6: a=3, c=4, b deleted), saved with etcdctl.</summary>
    private async Task<string> SaveFromFreshMemberAsync(ServerKind kind)
    {
        var file = Path.Combine(_dir.Path, $"{kind}-{Guid.NewGuid():N}.db");
        await using var source = await Member.StartAsync(kind);
        await OkAsync(source, "put", "a", "1");
        await OkAsync(source, "put", "b", "2");
        await OkAsync(source, "put", "a", "3");
        await OkAsync(source, "del", "b");
        await OkAsync(source, "put", "c", "4");
        var saved = await OkAsync(source, "snapshot", "save", file);
        Assert.Contains($"Snapshot saved at {file}", saved, StringComparison.Ordinal);
        return file;
    }

    private static async Task RestoreAsync(ServerKind kind, string file, Member target)
    {
        string[] args =
        [
            "snapshot", "restore", file,
            "--name", target.Name,
            "--data-dir", target.DataDir,
            "--initial-cluster", target.InitialCluster,
            "--initial-advertise-peer-urls", target.PeerUrl,
        ];
        var result = kind == ServerKind.Etcd
            ? await ProcessRunner.RunAsync("etcdctl", args, env: new Dictionary<string, string> { ["ETCDCTL_API"] = "3" })
            : await ProcessRunner.RunAsync("dotnet", [RepoPaths.EtcdNetDll, .. args]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("restored snapshot", result.Stderr, StringComparison.Ordinal);
    }

    private static async Task<long> RevisionAsync(Member member)
    {
        var status = await OkAsync(member, "endpoint", "status", "-w", "json");
        return JsonDocument.Parse(status).RootElement[0].GetProperty("Status").GetProperty("header").GetProperty("revision").GetInt64();
    }

    private static async Task<string> OkAsync(Member member, params string[] args)
    {
        var result = await Etcdctl.RunAsync(member.ClientUrl, args);
        Assert.True(result.ExitCode == 0, $"{member.Kind}: etcdctl {string.Join(' ', args)}\n{result}");
        return result.Stdout;
    }
}
