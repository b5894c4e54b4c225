using EtcdNet.Configuration;

namespace EtcdNet.Tests.Configuration;

public sealed class SnapshotFlagsTests
{
    private static EtcdConfig Parse(params string[] args) => new ConfigLoader().Load(args, new Dictionary<string, string>());

    [Fact]
    public void SnapshotCatchUpEntries_Unset_IsEtcdsDefault() =>
        Assert.Equal(5000, Parse().ToServerOptions().SnapshotCatchUpEntries);

    [Fact]
    public void SnapshotCatchUpEntries_FlagAndEnv_ReachServerOptions()
    {
        Assert.Equal(10, Parse("--experimental-snapshot-catchup-entries", "10").ToServerOptions().SnapshotCatchUpEntries);
        var fromEnv = new ConfigLoader().Load([], new Dictionary<string, string> { ["ETCD_EXPERIMENTAL_SNAPSHOT_CATCHUP_ENTRIES"] = "42" });
        Assert.Equal(42, fromEnv.ToServerOptions().SnapshotCatchUpEntries);
    }

    [Fact]
    public void SnapshotCatchUpEntries_NotANumber_IsRefused() =>
        Assert.ThrowsAny<Exception>(() => Parse("--experimental-snapshot-catchup-entries", "x"));
}
