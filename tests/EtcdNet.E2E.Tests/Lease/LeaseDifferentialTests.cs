using System.Diagnostics;
using System.Text.RegularExpressions;
using EtcdNet.TestKit;

namespace EtcdNet.E2E.Tests.Lease;

/// <summary>The lease commands etcd users know, on etcdnet and on etcd 3.4, outputs compared.</summary>
public sealed partial class LeaseDifferentialTests : IAsyncLifetime
{
    private MemberPair _pair = null!;

    public async Task InitializeAsync() => _pair = await MemberPair.StartAsync();

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    private async Task GrantAsync(string name, long ttl)
    {
        var (etcd, etcdNet) = await _pair.BothAsync(["lease", "grant", ttl.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        _pair.Capture(name, LeaseId(etcd.Stdout), LeaseId(etcdNet.Stdout));
    }

    private static string LeaseId(string grantOutput)
    {
        var match = Granted().Match(grantOutput);
        Assert.True(match.Success, $"unexpected grant output: {grantOutput}");
        return match.Groups[1].Value;
    }

    [GeneratedRegex("^lease ([0-9a-f]+) granted with TTL")]
    private static partial Regex Granted();

    private async Task Run(params string[] commands)
    {
        foreach (var command in commands) await _pair.SameAsync(Shell.Split(command));
    }

    [Fact]
    public async Task GrantPutTimeToLiveListKeepAliveRevoke_MatchEtcd()
    {
        await GrantAsync("lease", 100);
        await Run(
            // One attached key while keys are listed: etcd lists several in map order, which varies run to run.
            "put --lease={lease} foo bar",
            "lease timetolive {lease}", "lease timetolive --keys {lease}", "lease timetolive --keys {lease} -w json",
            "put --lease={lease} foo2 baz",
            "lease list",
            "lease keep-alive --once {lease}",
            "lease keep-alive --once 1234", "lease timetolive 1234",
            "get --prefix foo -w json",
            "lease revoke {lease}",
            "get --prefix foo -w json",
            "lease revoke {lease}", "lease timetolive {lease}",
            "put --lease=1234 k v",
            "lease grant 9000000001");
    }

    [Fact]
    public async Task ShortTtl_IsRaisedToTheMinimum_AndItsKeyVanishes()
    {
        await GrantAsync("short", 1);
        await Run("lease timetolive {short} -w json", "put --lease={short} vanishing v", "get vanishing");
        var started = Stopwatch.StartNew();
        await Eventually.TrueAsync(async () =>
        {
            var (etcd, etcdNet) = await _pair.BothAsync(["get", "vanishing", "--print-value-only"]);
            return etcd.Stdout.Length == 0 && etcdNet.Stdout.Length == 0;
        }, TimeSpan.FromSeconds(10), "the key of a 2 s lease to vanish on both servers");
        // The minimum TTL is 2 s; the key must be gone within about a second after that.
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(3.5), $"took {started.Elapsed.TotalSeconds:0.0}s");
        await Run("lease timetolive {short}", "get vanishing -w json");
    }

    [Fact]
    public async Task KeepAlive_Stream_RenewsUntilStopped()
    {
        await GrantAsync("lease", 3);
        await using var keepAlive = ServerProcess.Start("etcdctl",
            ["--endpoints", _pair.EtcdNet.ClientUrl, "lease", "keep-alive", "{lease}".Replace("{lease}", LeaseOf(_pair))],
            new Dictionary<string, string> { ["ETCDCTL_API"] = "3" });
        await _pair.SameAsync(["put", "--lease={lease}", "held", "v"]);
        await Eventually.TrueAsync(() => Task.FromResult(Regex.Matches(keepAlive.Output, "keepalived with TTL\\(3\\)").Count >= 3),
            TimeSpan.FromSeconds(15), "three keepalive responses");
        var held = await Etcdctl.RunAsync(_pair.EtcdNet.ClientUrl, ["get", "held", "--print-value-only"]);
        Assert.Equal("v", held.Stdout.Trim());
    }

    private static string LeaseOf(MemberPair pair) => pair.Value("lease", etcd: false);
}
