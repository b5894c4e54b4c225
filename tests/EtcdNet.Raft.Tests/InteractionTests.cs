using EtcdNet.Raft.Tests.Interaction;

namespace EtcdNet.Raft.Tests;

/// <summary>Runs every testdata/*.txt script and compares each command's output with the checked-in one.</summary>
public sealed class InteractionTests
{
    public static IEnumerable<object[]> Scripts() =>
        Directory.GetFiles(DataDriven.TestDataDir(), "*.txt").Order().Select(f => new object[] { Path.GetFileName(f) });

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_Replayed_MatchesExpectedOutput(string file)
    {
        var env = new InteractionEnv();
        var failures = DataDriven.Run(Path.Combine(DataDriven.TestDataDir(), file), env.Handle);
        Assert.True(failures.Count == 0,
            string.Join("\n", failures) + "\n(rerun with UPDATE_TESTDATA=1 to rewrite, then review the diff)");
    }

    [Fact]
    public void Scripts_EachStartsWithScenarioComment()
    {
        foreach (var f in Directory.GetFiles(DataDriven.TestDataDir(), "*.txt"))
        {
            Assert.StartsWith("#", File.ReadAllText(f));
        }
    }
}
