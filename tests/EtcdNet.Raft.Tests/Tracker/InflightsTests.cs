using EtcdNet.Raft.Tracker;

namespace EtcdNet.Raft.Tests.Tracker;

public sealed class InflightsTests
{
    [Fact]
    public void Add_UpToCapacity_BecomesFullAndRejectsMore()
    {
        var inf = new Inflights(3);
        inf.Add(1);
        inf.Add(2);
        Assert.False(inf.Full);
        inf.Add(3);
        Assert.True(inf.Full);
        Assert.Throws<InvalidOperationException>(() => inf.Add(4));
    }

    [Fact]
    public void FreeLE_AcrossWrapAround_FreesInOrder()
    {
        var inf = new Inflights(4);
        for (ulong i = 1; i <= 4; i++) inf.Add(i * 10);
        inf.FreeLE(20);
        Assert.Equal(2, inf.Count);
        inf.Add(50);
        inf.Add(60); // wraps around the ring
        Assert.True(inf.Full);
        inf.FreeLE(55);
        Assert.Equal(1, inf.Count);
        inf.FreeLE(5); // below everything: nothing freed
        Assert.Equal(1, inf.Count);
        inf.FreeFirstOne();
        Assert.Equal(0, inf.Count);
    }

    [Fact]
    public void Reset_AfterAdds_Empties()
    {
        var inf = new Inflights(2);
        inf.Add(1);
        inf.Reset();
        Assert.Equal(0, inf.Count);
        inf.Add(1);
        inf.Add(2);
        Assert.True(inf.Full);
    }
}
