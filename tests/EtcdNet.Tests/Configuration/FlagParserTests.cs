using EtcdNet.Configuration;

namespace EtcdNet.Tests.Configuration;

public sealed class FlagParserTests
{
    private static EtcdConfig Parse(params string[] args) => new ConfigLoader().Load(args, new Dictionary<string, string>());

    [Fact]
    public void Parse_GoFlagForms_AllSetTheValue()
    {
        Assert.Equal("a", Parse("--name", "a").Name);
        Assert.Equal("b", Parse("-name", "b").Name);
        Assert.Equal("c", Parse("--name=c").Name);
        Assert.Equal("d", Parse("-name=d").Name);
    }

    [Fact]
    public void Parse_Defaults_AreEtcds()
    {
        var c = Parse();
        Assert.Equal("default", c.Name);
        Assert.Equal(["http://localhost:2379"], c.ListenClientUrls);
        Assert.Equal(128u, c.MaxTxnOps);
        Assert.Equal(1572864u, c.MaxRequestBytes);
        Assert.Equal("default.etcd", c.ToServerOptions().DataDir);
        Assert.Equal("n1.etcd", Parse("--name", "n1").ToServerOptions().DataDir);
    }

    [Fact]
    public void Parse_BoolFlag_TakesNoSeparateValue()
    {
        var c = Parse("--enable-pprof", "--name", "x");
        Assert.True(c.EnablePprof);
        Assert.Equal("x", c.Name);
        Assert.False(Parse("--enable-pprof=false").EnablePprof);
    }

    [Theory]
    [InlineData("flag provided but not defined: -foo", "--foo")]
    [InlineData("flag provided but not defined: -foo", "-foo=1")]
    [InlineData("flag needs an argument: -name", "--name")]
    [InlineData("invalid value \"abc\" for flag -max-txn-ops: parse error", "--max-txn-ops=abc")]
    [InlineData("invalid value \"-1\" for flag -max-request-bytes: parse error", "--max-request-bytes", "-1")]
    [InlineData("invalid value \"x\" for flag -enable-pprof: parse error", "--enable-pprof=x")]
    [InlineData("invalid value \"foo\" for flag -listen-client-urls: URL scheme must be http, https, unix, or unixs: foo", "--listen-client-urls", "foo")]
    [InlineData("error verifying flags, 'extra' is not a valid flag. See 'etcd --help'.", "--name", "a", "extra")]
    [InlineData("error verifying flags, --election-timeout[400ms] should be at least as 5 times as --heartbeat-interval[100ms]. See 'etcd --help'.", "--election-timeout", "400")]
    [InlineData("error verifying flags, unexpected clusterState \"old\". See 'etcd --help'.", "--initial-cluster-state", "old")]
    public void Parse_BadInput_FailsWithEtcdsMessage(string message, params string[] args)
    {
        var error = Assert.Throws<FlagException>(() => Parse(args).ToServerOptions());
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Parse_Help_IsReported() => Assert.Throws<HelpRequestedException>(() => Parse("-h"));

    [Fact]
    public void Environment_FillsFlagsNotOnTheCommandLine()
    {
        var env = new Dictionary<string, string> { ["ETCD_NAME"] = "from-env", ["ETCD_MAX_TXN_OPS"] = "7", ["ETCD_UNKNOWN_THING"] = "1" };
        var loader = new ConfigLoader();
        var c = loader.Load(["--data-dir", "/tmp/x"], env);
        Assert.Equal("from-env", c.Name);
        Assert.Equal(7u, c.MaxTxnOps);
        Assert.Contains(loader.Warnings, w => w.Contains("ETCD_UNKNOWN_THING", StringComparison.Ordinal));
    }

    [Fact]
    public void Environment_ShadowedByFlag_IsAnError()
    {
        var env = new Dictionary<string, string> { ["ETCD_NAME"] = "x" };
        var error = Assert.Throws<FlagException>(() => new ConfigLoader().Load(["--name", "y"], env));
        Assert.Equal("conflicting environment variable \"ETCD_NAME\" is shadowed by corresponding command-line flag (either unset environment variable or disable flag)", error.Message);
    }

    [Theory]
    [InlineData("10m", 600_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("100ms", 100)]
    [InlineData("2.5s", 2_500)]
    public void Duration_ParsesGoSyntax(string text, long milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Parse("--experimental-watch-progress-notify-interval", text).WatchProgressNotifyInterval);

    [Fact]
    public void Duration_Invalid_FailsWithGosMessage()
    {
        var error = Assert.Throws<FlagException>(() => Parse("--experimental-watch-progress-notify-interval=soon"));
        Assert.Equal("invalid value \"soon\" for flag -experimental-watch-progress-notify-interval: time: invalid duration \"soon\"", error.Message);
    }
}
