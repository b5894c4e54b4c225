using EtcdNet.Robustness.Traffic;

namespace EtcdNet.Robustness.Runner;

/// <summary>How one robustness run is driven: traffic, how long, how many faults, where binaries and results go.</summary>
public sealed record RunSettings
{
    /// <summary>Traffic duration of one run; faults are spread over it.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How many times the run's fault is injected.</summary>
    public int FaultCount { get; init; } = 2;

    public TrafficOptions Traffic { get; init; } = new();

    /// <summary>etcdnet.dll of the normal build.</summary>
    public required string EtcdNetDll { get; init; }

    /// <summary>etcdnet.dll built with -p:Failpoints=true, or null when there is none (failpoint scenarios are skipped).</summary>
    public string? FailpointsDll { get; init; }

    /// <summary>Where a failing run saves its history, watch logs, member logs and seed.</summary>
    public required string ResultsRoot { get; init; }

    /// <summary>Time limit of the linearizability search.</summary>
    public TimeSpan CheckTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Progress lines (fault injected, checker verdicts); the summary is printed by the caller.</summary>
    public Action<string> Log { get; init; } = Console.WriteLine;
}
