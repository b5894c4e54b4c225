using EtcdNet.Configuration;
using EtcdNet.TestKit;

namespace EtcdNet.Tests.Configuration;

public sealed class ConfigFileTests
{
    [Fact]
    public void ConfigFile_KeysAreFlagNames_AndFlagsAreIgnored()
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "etcd.conf.yml");
        File.WriteAllText(file, """
            name: from-file
            data-dir: /tmp/from-file
            listen-client-urls: http://127.0.0.1:12379,http://127.0.0.1:22379
            max-txn-ops: 64
            log-outputs: [stderr, stdout]
            enable-pprof: true
            wal-dir:
            """);
        var loader = new ConfigLoader();
        var c = loader.Load(["--config-file", file, "--name", "ignored"], new Dictionary<string, string> { ["ETCD_MAX_TXN_OPS"] = "3" });
        Assert.Equal("from-file", c.Name);
        Assert.Equal("/tmp/from-file", c.DataDir);
        Assert.Equal(["http://127.0.0.1:12379", "http://127.0.0.1:22379"], c.ListenClientUrls);
        Assert.Equal(64u, c.MaxTxnOps);
        Assert.Equal(["stderr", "stdout"], c.LogOutputs);
        Assert.True(c.EnablePprof);
        Assert.Contains(loader.Warnings, w => w.Contains("will be ignored", StringComparison.Ordinal));
    }

    [Fact]
    public void ConfigFile_BadValue_FailsClearly()
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "bad.yml");
        File.WriteAllText(file, "max-txn-ops: lots\n");
        var error = Assert.Throws<FlagException>(() => new ConfigLoader().Load(["--config-file", file], new Dictionary<string, string>()));
        Assert.Contains("invalid value \"lots\" for config file key \"max-txn-ops\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SampleConfig_EveryKeyParses_AndStartsAMemberConfig()
    {
        var sample = Path.Combine(RepoPaths.Root, "etcd.conf.yml.sample");
        var loader = new ConfigLoader();
        var c = loader.Load(["--config-file", sample], new Dictionary<string, string>());
        Assert.DoesNotContain(loader.Warnings, w => w.Contains("unknown", StringComparison.Ordinal));
        var options = c.ToServerOptions();
        Assert.Equal(c.Name, options.Name);
    }

    [Fact]
    public void EveryFlag_HasAnEnvironmentVariableName()
    {
        foreach (var flag in EtcdFlags.All)
        {
            Assert.Matches("^ETCD_[A-Z_]+$", flag.EnvironmentVariable);
        }
        Assert.Equal("ETCD_MAX_TXN_OPS", EtcdFlags.ByName["max-txn-ops"].EnvironmentVariable);
    }
}
