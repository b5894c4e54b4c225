using EtcdNet.Storage.Failpoints;

namespace EtcdNet.Storage.Tests.Failpoints;

/// <summary>The ETCDNET_FAILPOINTS syntax (gofail's terms) parses as documented and refuses what it does not know.</summary>
public sealed class FailpointTermTests
{
    [Fact]
    public void Parse_List_ReadsEveryTerm()
    {
        var armed = Failpoint.Parse("raftAfterSave=panic; raftBeforeSave=50%3*sleep(200ms) ;compactBeforeCommitBatch=sleep(1s)");

        Assert.Equal("panic", armed["raftAfterSave"].Action);
        Assert.Equal(50, armed["raftBeforeSave"].Percent);
        Assert.Equal(TimeSpan.FromMilliseconds(200), armed["raftBeforeSave"].Sleep);
        Assert.Equal(TimeSpan.FromSeconds(1), armed["compactBeforeCommitBatch"].Sleep);
    }

    [Theory]
    [InlineData("raftAfterSave")]
    [InlineData("raftAfterSave=explode")]
    [InlineData("raftAfterSave=sleep")]
    [InlineData("raftAfterSave=sleep(soon)")]
    public void Parse_BadEntry_Throws(string spec) => Assert.Throws<FormatException>(() => Failpoint.Parse(spec));

    [Fact]
    public void Fire_CountedSleep_FiresOnlyThatManyTimes()
    {
        var term = FailpointTerm.Parse("2*sleep(300)");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 5; i++) term.Fire("test");
        watch.Stop();

        // Two sleeps of 300 ms, not five.
        Assert.InRange(watch.Elapsed.TotalMilliseconds, 590, 1400);
    }
}
