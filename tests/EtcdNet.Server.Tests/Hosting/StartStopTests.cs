namespace EtcdNet.Server.Tests.Hosting;

/// <summary>A member stopped while it is still starting (applying its bootstrap membership) must shut down.</summary>
public sealed class StartStopTests
{
    [Fact]
    public async Task StopRightAfterStart_Completes()
    {
        for (var i = 0; i < 5; i++)
        {
            var member = await InProcessMember.StartAsync();
            await member.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        }
    }
}
