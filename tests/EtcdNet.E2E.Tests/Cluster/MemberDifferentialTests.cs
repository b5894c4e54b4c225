using EtcdNet.TestKit;
using System.Text.Json;

namespace EtcdNet.E2E.Tests.Cluster;

/// <summary>endpoint status/health and member list on one member, etcdnet against etcd 3.4.</summary>
public sealed class MemberDifferentialTests : IAsyncLifetime
{
    private MemberPair _pair = null!;

    public async Task InitializeAsync() => _pair = await MemberPair.StartAsync();

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    [Theory]
    [InlineData("member list")]
    [InlineData("member list -w json")]
    [InlineData("member list -w table")]
    [InlineData("endpoint health")]
    public Task Command_MatchesEtcd(string command) => _pair.SameAsync(Shell.Split(command));

    [Fact]
    public async Task EndpointStatus_ReportsSelfAsLeaderWithCurrentRevision()
    {
        await _pair.SameAsync(["put", "a", "1"]);
        await _pair.SameAsync(["put", "b", "2"]);
        // Version, db size and raft index legitimately differ from etcd's, so this one is checked on its own.
        var result = await Etcdctl.RunAsync(_pair.EtcdNet.ClientUrl, ["endpoint", "status", "-w", "json"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var status = JsonDocument.Parse(result.Stdout).RootElement[0].GetProperty("Status");
        var header = status.GetProperty("header");
        Assert.Equal(3, header.GetProperty("revision").GetInt64());
        Assert.Equal(header.GetProperty("member_id").GetUInt64(), status.GetProperty("leader").GetUInt64());
        Assert.Equal("3.5.0", status.GetProperty("version").GetString());
        Assert.True(status.GetProperty("dbSize").GetInt64() > 0);
        Assert.True(status.GetProperty("raftIndex").GetUInt64() >= 2);
        Assert.Equal(status.GetProperty("raftIndex").GetUInt64(), status.GetProperty("raftAppliedIndex").GetUInt64());
    }
}
