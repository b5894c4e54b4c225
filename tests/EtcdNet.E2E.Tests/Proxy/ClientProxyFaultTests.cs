using EtcdNet.TestKit;

namespace EtcdNet.E2E.Tests.Proxy;

/// <summary>
/// Issue #9's acceptance: an etcdnet member behind etcdnet-proxy; faults injected with curl on the control API make the
/// real etcdctl time out, and DELETE restores it.
/// </summary>
public sealed class ClientProxyFaultTests : IAsyncLifetime
{
    private const string DeadlineExceeded = "context deadline exceeded";
    private Member _member = null!;
    private ProxyProcess _proxy = null!;

    public async Task InitializeAsync()
    {
        _member = await Member.StartAsync(ServerKind.EtcdNet, "infra1");
        _proxy = await ProxyProcess.StartAsync($"127.0.0.1:{_member.ClientPort}");
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _member.DisposeAsync();
    }

    /// <summary>Exactly the command: etcdctl --command-timeout=3s put foo bar, through the proxy.</summary>
    private Task<CommandResult> PutFooBarAsync() =>
        ProcessRunner.RunAsync(
            "etcdctl",
            ["--endpoints", _proxy.Endpoint, "--command-timeout=3s", "put", "foo", "bar"],
            env: new Dictionary<string, string> { ["ETCDCTL_API"] = "3" });

    private async Task PutSucceedsAsync()
    {
        var put = await PutFooBarAsync();
        Assert.True(put.ExitCode == 0 && put.Stdout.Trim() == "OK", put.ToString());
    }

    private async Task PutTimesOutAsync()
    {
        var put = await PutFooBarAsync();
        Assert.True(put.ExitCode != 0, put.ToString());
        Assert.Contains(DeadlineExceeded, put.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Seconds in a Go duration the proxy printed for a latency near 5s ("4.9197169s", "5s").</summary>
    private static double GoSeconds(string duration) =>
        duration.EndsWith('s') && double.TryParse(duration[..^1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s)
            ? s
            : double.NaN;

    [Fact]
    public async Task DelayTx_FiveSeconds_PutTimesOut_DeleteRestores()
    {
        await PutSucceedsAsync();

        var added = await _proxy.CurlAsync("PUT", "/delay-tx", "latency=5s&random-variable=100ms");
        const string prefix = "added send latency 5s±100ms (current latency ";
        Assert.StartsWith(prefix, added, StringComparison.Ordinal);
        var current = added[prefix.Length..^")\n".Length];
        Assert.True(GoSeconds(current) is >= 4.9 and <= 5.1, added);
        Assert.Equal($"current send latency {current}\n", await _proxy.CurlAsync("GET", "/delay-tx"));
        try
        {
            await PutTimesOutAsync();
        }
        finally
        {
            Assert.StartsWith("removed latency ", await _proxy.CurlAsync("DELETE", "/delay-tx"), StringComparison.Ordinal);
        }

        Assert.Equal("current send latency 0s\n", await _proxy.CurlAsync("GET", "/delay-tx"));
        await PutSucceedsAsync();
    }

    [Fact]
    public async Task PauseTx_PutTimesOut_DeleteRestores()
    {
        await PutSucceedsAsync();

        Assert.Equal($"paused forwarding [tcp://{_proxy.Endpoint} -> tcp://127.0.0.1:{_member.ClientPort}]\n",
            await _proxy.CurlAsync("PUT", "/pause-tx"));
        try
        {
            await PutTimesOutAsync();
        }
        finally
        {
            Assert.StartsWith("unpaused forwarding", await _proxy.CurlAsync("DELETE", "/pause-tx"), StringComparison.Ordinal);
        }

        await PutSucceedsAsync();
    }

    [Fact]
    public async Task BlackholeTx_PutTimesOut_DeleteRestores()
    {
        await PutSucceedsAsync();

        Assert.Equal($"blackholed; dropping packets [tcp://{_proxy.Endpoint} -> tcp://127.0.0.1:{_member.ClientPort}]\n",
            await _proxy.CurlAsync("PUT", "/blackhole-tx"));
        try
        {
            await PutTimesOutAsync();
        }
        finally
        {
            Assert.StartsWith("unblackholed; restart forwarding", await _proxy.CurlAsync("DELETE", "/blackhole-tx"), StringComparison.Ordinal);
        }

        await PutSucceedsAsync();
        var get = await Etcdctl.RunAsync(_proxy.Endpoint, ["get", "foo", "--print-value-only"]);
        Assert.Equal("bar", get.Stdout.Trim());
    }

    [Fact]
    public async Task BadForm_AnswersAsEtcdProxy_AndPutStillWorks()
    {
        Assert.Equal("wrong latency form \"time: invalid duration \\\"soon\\\"\"\n",
            await _proxy.CurlAsync("PUT", "/delay-tx", "latency=soon&random-variable=100ms"));
        Assert.Equal("unsupported method \"GET\"\n", await _proxy.CurlAsync("GET", "/pause-tx"));
        await PutSucceedsAsync();
    }

    [Fact]
    public async Task Sigterm_ProxyExitsCleanly()
    {
        await _proxy.Process.StopAsync(TimeSpan.FromSeconds(10));
        Assert.True(_proxy.Process.HasExited);
        Assert.True(_proxy.Process.ExitCode == 0, _proxy.Process.Output);
    }
}
