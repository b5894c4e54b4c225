using EtcdNet.Proxy;

namespace EtcdNet.Proxy.Tests;

public sealed class TrafficControlTests
{
    [Fact]
    public void ComputeLatency_RandomVariable_StaysWithinBound()
    {
        var random = new Random(42);
        var latency = TimeSpan.FromSeconds(5);
        var rv = TimeSpan.FromMilliseconds(100);
        var seen = new HashSet<bool>();
        for (var i = 0; i < 1000; i++)
        {
            var d = TrafficControl.ComputeLatency(latency, rv, random);
            Assert.InRange(d, latency - rv, latency + rv);
            if (d != latency) seen.Add(d > latency);
        }

        Assert.Equal(2, seen.Count); // both above and below the base latency
    }

    [Fact]
    public void ComputeLatency_RandomVariableAboveLatency_CutToTenth()
    {
        var random = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            var d = TrafficControl.ComputeLatency(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), random);
            Assert.InRange(d, TimeSpan.FromMilliseconds(900), TimeSpan.FromMilliseconds(1100));
        }
    }

    [Fact]
    public void ComputeLatency_ZeroOrNegativeRandomVariable_Handled()
    {
        var random = new Random(1);
        Assert.Equal(TimeSpan.FromSeconds(2), TrafficControl.ComputeLatency(TimeSpan.FromSeconds(2), TimeSpan.Zero, random));
        var d = TrafficControl.ComputeLatency(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(-100), random);
        Assert.InRange(d, TimeSpan.FromMilliseconds(1900), TimeSpan.FromMilliseconds(2100));
    }

    [Fact]
    public void Delay_NonPositiveLatency_ChangesNothing()
    {
        var faults = new TrafficControl();
        faults.Delay(TimeSpan.FromSeconds(1), TimeSpan.Zero);
        faults.Delay(TimeSpan.Zero, TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromSeconds(1), faults.Latency);
        Assert.Equal(TimeSpan.FromSeconds(1), faults.Undelay());
        Assert.Equal(TimeSpan.Zero, faults.Latency);
    }

    [Fact]
    public async Task Pause_WaitFlowing_CompletesOnlyAfterUnpause()
    {
        var faults = new TrafficControl();
        Assert.True(faults.WaitFlowingAsync(CancellationToken.None).IsCompleted);
        faults.Pause();
        faults.Pause(); // twice is still one pause
        var wait = faults.WaitFlowingAsync(CancellationToken.None);
        Assert.False(wait.IsCompleted);
        Assert.True(faults.IsPaused);
        faults.Unpause();
        await wait.WaitAsync(TimeSpan.FromSeconds(5));
        faults.Unpause(); // already flowing: no effect
        Assert.False(faults.IsPaused);
    }

    [Fact]
    public void Blackhole_Toggle_Reported()
    {
        var faults = new TrafficControl();
        faults.Blackhole();
        Assert.True(faults.IsBlackholed);
        faults.Unblackhole();
        Assert.False(faults.IsBlackholed);
    }
}
