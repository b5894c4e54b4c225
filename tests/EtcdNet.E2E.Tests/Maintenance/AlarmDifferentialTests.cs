namespace EtcdNet.E2E.Tests.Maintenance;

/// <summary>`etcdctl alarm list` and `alarm disarm` on a healthy member answer exactly as etcd 3.4 does.</summary>
public sealed class AlarmDifferentialTests : IAsyncLifetime
{
    private MemberPair _pair = null!;

    public async Task InitializeAsync() => _pair = await MemberPair.StartAsync();

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    [Theory]
    [InlineData("list")]
    [InlineData("list", "-w", "json")]
    [InlineData("disarm")]
    [InlineData("disarm", "-w", "json")]
    public async Task Alarm_NoneRaised_SameOutputAsEtcd(params string[] args)
    {
        var result = await _pair.SameAsync(["alarm", .. args]);
        Assert.Equal(0, result.ExitCode);
    }
}
