using EtcdNet.Server.Compaction;
using EtcdNet.Server.Tests.Hosting;
using EtcdNet.TestKit;

namespace EtcdNet.Server.Tests.Compaction;

public sealed class AutoCompactionTests
{
    [Fact]
    public void Parse_ZeroRetention_Disabled() => Assert.False(AutoCompaction.Parse("periodic", "0").Enabled);

    [Fact]
    public void Parse_BareIntegerInPeriodicMode_IsHours()
    {
        var parsed = AutoCompaction.Parse("periodic", "1");
        Assert.True(parsed.Enabled);
        Assert.Equal(TimeSpan.FromHours(1), parsed.Period);
    }

    [Fact]
    public void Parse_BareIntegerInRevisionMode_IsRevisions() => Assert.Equal(1000, AutoCompaction.Parse("revision", "1000").Revisions);

    [Theory]
    [InlineData("5m", 300)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5s", 1.5)]
    [InlineData("500ms", 0.5)]
    public void Parse_GoDurationInPeriodicMode_IsThatPeriod(string retention, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), AutoCompaction.Parse("periodic", retention).Period);

    [Theory]
    [InlineData("periodic", "5x", "error parsing CompactionRetention: time: unknown unit \"x\" in duration \"5x\"")]
    [InlineData("periodic", "-1", "error parsing CompactionRetention: time: missing unit in duration \"-1\"")]
    [InlineData("periodic", "abc", "error parsing CompactionRetention: time: invalid duration \"abc\"")]
    [InlineData("hourly", "1", "unknown auto-compaction-mode \"hourly\"")]
    public void Parse_Invalid_FailsWithEtcdsMessage(string mode, string retention, string message) =>
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => AutoCompaction.Parse(mode, retention)).Message);

    [Fact]
    public async Task Start_BadRetention_FailsBeforeCreatingTheDataDir()
    {
        using var dir = new TempDir();
        var error = await Assert.ThrowsAsync<ArgumentException>(() => InProcessMember.StartAsync(o => o with { AutoCompactionRetention = "5x" }, dir));
        Assert.Equal("error parsing CompactionRetention: time: unknown unit \"x\" in duration \"5x\"", error.Message);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "member")));
    }
}
