using EtcdNet.Robustness.Faults;

namespace EtcdNet.Robustness.Runner;

/// <summary>The named scenarios: each is one fault kind injected during traffic.</summary>
public static class Scenarios
{
    /// <summary>Every scenario, in the order a full run goes through them.</summary>
    public static IReadOnlyList<Fault> All { get; } =
    [
        new KillMemberFault(leader: true),
        new KillMemberFault(leader: false),
        new SigStopFault(),
        new PeerNetworkFault(blackhole: true),
        new PeerNetworkFault(blackhole: false),
        new MoveLeaderFault(),
        new CompactFault(),
        .. FailpointFault.Known.Select(name => new FailpointFault(name)),
    ];

    /// <summary>Scenarios by comma-separated name ("all" or empty for every one); throws on an unknown name.</summary>
    public static IReadOnlyList<Fault> Parse(string? names)
    {
        if (string.IsNullOrWhiteSpace(names) || names == "all") return All;
        var result = new List<Fault>();
        foreach (var name in names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (name == "failpoint-*" || name == "failpoints")
            {
                result.AddRange(All.Where(f => f.NeedsFailpoints));
                continue;
            }
            result.Add(All.FirstOrDefault(f => f.Name == name)
                ?? throw new ArgumentException($"unknown scenario \"{name}\"; known: {string.Join(", ", All.Select(f => f.Name))}"));
        }
        return result;
    }
}
