using EtcdNet.Configuration;

namespace EtcdNet.Tests.Configuration;

/// <summary>--metrics and --listen-metrics-urls reach the server options, with etcd's defaults.</summary>
public sealed class MetricsFlagsTests
{
    [Fact]
    public void Metrics_Unset_IsBasicWithNoMetricsListener()
    {
        var options = new ConfigLoader().Load([], new Dictionary<string, string>()).ToServerOptions();
        Assert.Equal("basic", options.Metrics);
        Assert.Empty(options.ListenMetricsUrls);
    }

    [Fact]
    public void Metrics_ExtensiveAndMetricsUrls_ReachServerOptions()
    {
        var options = new ConfigLoader()
            .Load(["--metrics", "extensive", "--listen-metrics-urls", "http://127.0.0.1:2381"], new Dictionary<string, string>())
            .ToServerOptions();
        Assert.Equal("extensive", options.Metrics);
        Assert.Equal(["http://127.0.0.1:2381"], options.ListenMetricsUrls);
    }

    [Fact]
    public void Metrics_FromEnvironment_IsRead()
    {
        var config = new ConfigLoader().Load([], new Dictionary<string, string> { ["ETCD_METRICS"] = "extensive" });
        Assert.Equal("extensive", config.Metrics);
    }

    [Fact]
    public void Metrics_UnknownLevel_FailsClearly()
    {
        var config = new ConfigLoader().Load(["--metrics", "verbose"], new Dictionary<string, string>());
        var error = Assert.Throws<FlagException>(config.ToServerOptions);
        Assert.Contains("unknown metrics type \"verbose\"", error.Message, StringComparison.Ordinal);
    }
}
