using System.Text.RegularExpressions;
using EtcdNet.E2E.Tests.Proxy;
using EtcdNet.TestKit;

namespace EtcdNet.E2E.Tests.WatchLoad;

/// <summary>`etcdnet-benchmark watch-load` against a real etcdnet member: a clean run counts no faults, and a run whose
/// watch connection is cut (through etcdnet-proxy) reports the events it missed.</summary>
public sealed partial class WatchLoadToolTests : IAsyncLifetime
{
    private Member _member = null!;

    public async Task InitializeAsync() => _member = await Member.StartAsync(ServerKind.EtcdNet, "infra1");

    public async Task DisposeAsync() => await _member.DisposeAsync();

    /// <summary>etcdnet-benchmark.dll from the same build configuration as the running tests.</summary>
    private static string BenchmarkDll
    {
        get
        {
            var config = AppContext.BaseDirectory.Contains("/release/", StringComparison.OrdinalIgnoreCase) ? "release" : "debug";
            var artifacts = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", ".."));
            var dll = Path.Combine(artifacts, "bin", "EtcdNet.Benchmark", config, "etcdnet-benchmark.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"etcdnet-benchmark not built: {dll} (run ./build.sh build)");
        }
    }

    private static Task<CommandResult> WatchLoadAsync(params string[] args) =>
        ProcessRunner.RunAsync("dotnet", [BenchmarkDll, "watch-load", .. args], timeout: TimeSpan.FromSeconds(90));

    private static Dictionary<string, long> SummaryLine(CommandResult result)
    {
        var line = result.Stdout.Split('\n').LastOrDefault(l => l.StartsWith("watch-load: ", StringComparison.Ordinal));
        Assert.True(line is not null, result.ToString());
        return Field().Matches(line).ToDictionary(m => m.Groups[1].Value, m => long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task WatchLoad_ThreeSecondsOnOneMember_NothingMissedOrDuplicated()
    {
        var endpoint = $"127.0.0.1:{_member.ClientPort}";
        var result = await WatchLoadAsync("--endpoints", $"{endpoint},{endpoint}", "--conns", "3", "--watchers-per-conn", "4",
            "--keys", "5", "--put-rate", "50", "--duration", "3s", "--clients", "2");

        Assert.True(result.ExitCode == 0, result.ToString());
        var summary = SummaryLine(result);
        Assert.Equal(12, summary["watchers"]);
        Assert.Equal(150, summary["puts"]);
        Assert.Equal(0, summary["put-errors"]);
        // 150 puts over 5 keys, each key watched by 12/5 watchers on average: every put is seen by its key's watchers.
        Assert.Equal(150 * 12 / 5, summary["expected"]);
        Assert.Equal(summary["expected"], summary["received"]);
        Assert.Equal(0, summary["missed"]);
        Assert.Equal(0, summary["duplicated"]);
        Assert.Equal(0, summary["out-of-order"]);
        Assert.Contains("Latency distribution:", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchLoad_WatchConnectionBlackholed_ReportsMissedEventsAndFails()
    {
        // Watches go through the proxy, puts straight to the member: blackholing the proxy's rx starves the watchers only.
        await using var proxy = await ProxyProcess.StartAsync($"127.0.0.1:{_member.ClientPort}");
        var member = $"127.0.0.1:{_member.ClientPort}";
        var run = WatchLoadAsync("--endpoints", proxy.Endpoint, "--put-endpoints", member, "--conns", "1",
            "--watchers-per-conn", "2", "--keys", "1", "--put-rate", "20", "--duration", "4s", "--drain", "1s");

        // Cut the watch connection once puts have begun (so the watchers were created through the proxy).
        await Eventually.TrueAsync(async () =>
        {
            var get = await Etcdctl.RunAsync(member, ["get", "/watch-load/", "--prefix", "-w", "json"]);
            return run.IsCompleted || Count().Match(get.Stdout) is { Success: true } m && m.Groups[1].Value != "0";
        }, TimeSpan.FromSeconds(30), "watch-load to start putting");
        Assert.StartsWith("blackholed", await proxy.CurlAsync("PUT", "/blackhole-rx"), StringComparison.Ordinal);

        var result = await run;
        Assert.True(result.ExitCode == 1, result.ToString());
        var summary = SummaryLine(result);
        Assert.Equal(0, summary["put-errors"]);
        Assert.True(summary["missed"] > 0, result.ToString());
        Assert.Equal(summary["expected"] - summary["missed"], summary["received"] - summary["duplicated"]);
    }

    [GeneratedRegex("\"count\":(\\d+)")]
    private static partial Regex Count();

    [GeneratedRegex(@"([a-z-]+)=(\d+)")]
    private static partial Regex Field();
}
