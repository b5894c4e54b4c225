using EtcdNet.TestKit;

namespace EtcdNet.E2E.Tests.Maintenance;

/// <summary>--auto-compaction-mode/--auto-compaction-retention, observed from etcdctl on etcdnet and on etcd 3.4.</summary>
public sealed class AutoCompactionTests
{
    [Theory]
    [InlineData(ServerKind.Etcd)]
    [InlineData(ServerKind.EtcdNet)]
    public async Task Periodic_OneSecond_CompactsOldRevisions(ServerKind kind)
    {
        await using var member = await Member.StartAsync(kind, "m1", null, "--auto-compaction-mode", "periodic", "--auto-compaction-retention", "1s");
        for (int i = 0; i < 3; i++)
        {
            var put = await Etcdctl.RunAsync(member.ClientUrl, ["put", "k", $"v{i}"]);
            Assert.True(put.ExitCode == 0, put.ToString());
        }
        CommandResult old = null!;
        await Eventually.TrueAsync(async () =>
        {
            old = await Etcdctl.RunAsync(member.ClientUrl, ["get", "k", "--rev", "2"]);
            return old.ExitCode != 0;
        }, TimeSpan.FromSeconds(30), "revision 2 to be compacted away");
        Assert.Contains("Error: etcdserver: mvcc: required revision has been compacted", old.Stderr, StringComparison.Ordinal);
        var latest = await Etcdctl.RunAsync(member.ClientUrl, ["get", "k", "--print-value-only"]);
        Assert.Equal("v2\n", latest.Stdout);
    }

    [Theory]
    [InlineData("--auto-compaction-retention", "5x", "error parsing CompactionRetention: time: unknown unit \"x\" in duration \"5x\"")]
    [InlineData("--auto-compaction-mode", "hourly", "unknown auto-compaction-mode \"hourly\"")]
    public async Task BadFlags_RefuseToStart_WithEtcdsMessage(string flag, string value, string message)
    {
        foreach (var kind in new[] { ServerKind.Etcd, ServerKind.EtcdNet })
        {
            var member = Member.Prepare(kind, "m1", null, flag, value);
            await using (member)
            {
                member.Launch();
                // Output is read asynchronously: it may trail the exit a little. etcdnet logs JSON, quotes escaped.
                bool Said(string output) => output.Contains(message, StringComparison.Ordinal)
                    || output.Contains(message.Replace("\"", "\\\"", StringComparison.Ordinal), StringComparison.Ordinal);
                await Eventually.TrueAsync(() => Task.FromResult(member.Process!.HasExited && Said(member.Process.Output)),
                    TimeSpan.FromSeconds(30), $"{kind} to exit saying {message}");
                Assert.NotEqual(0, member.Process!.ExitCode);
            }
        }
    }
}
