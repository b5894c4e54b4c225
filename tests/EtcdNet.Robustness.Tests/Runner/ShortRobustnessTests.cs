using EtcdNet.Robustness.Runner;
using EtcdNet.TestKit;
using Xunit.Abstractions;

namespace EtcdNet.Robustness.Tests.Runner;

/// <summary>
/// The short robustness run CI does: the runner's own code path (cluster, traffic, watches, fault, settle, checkers)
/// on the normal build, with one kill -9 of a follower and of the leader, each under ~15 s of traffic.
/// </summary>
public sealed class ShortRobustnessTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("kill-follower")]
    [InlineData("kill-leader")]
    public async Task RunAsync_KillAndRestartUnderTraffic_NoViolations(string scenario)
    {
        var seed = Random.Shared.NextInt64(1, 1_000_000);
        var settings = new RunSettings
        {
            Duration = TimeSpan.FromSeconds(15),
            FaultCount = 1,
            EtcdNetDll = RepoPaths.EtcdNetDll,
            ResultsRoot = Path.Combine(RepoPaths.Root, "artifacts", "robustness"),
            Log = line => output.WriteLine(line),
        };

        var result = await RobustnessRun.RunAsync(Scenarios.Parse(scenario)[0], seed, settings);

        Assert.False(result.Skipped);
        Assert.True(result.Clean, $"seed {seed}: {string.Join("\n", result.Violations)}\nsaved under {result.ResultsDirectory}");
        Assert.Equal(1, result.FaultsInjected);
        Assert.True(result.OperationsChecked > 200, $"only {result.OperationsChecked} operations checked");
    }

    [Fact]
    public void Parse_UnknownScenario_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Scenarios.Parse("kill-leader,no-such-fault"));
        Assert.Contains("no-such-fault", e.Message);
    }

    [Fact]
    public void Parse_FailpointGroup_SelectsOnlyFailpointScenarios()
    {
        var faults = Scenarios.Parse("failpoint-*");

        Assert.NotEmpty(faults);
        Assert.All(faults, f => Assert.True(f.NeedsFailpoints, f.Name));
        Assert.Contains(faults, f => f.Name == "failpoint-raftAfterSave");
    }
}
