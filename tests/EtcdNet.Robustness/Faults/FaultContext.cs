using EtcdNet.Robustness.History;
using EtcdNet.Robustness.Runner;

namespace EtcdNet.Robustness.Faults;

/// <summary>What a fault acts on: the cluster, the run's seeded random source, the recorder (for faults that are
/// themselves client requests, like compaction) and a log.</summary>
public sealed class FaultContext(RobustnessCluster cluster, Random random, HistoryRecorder recorder, Action<string> log)
{
    /// <summary>The client id compactions are recorded under.</summary>
    public const int CompactorClientId = 2000;

    public RobustnessCluster Cluster { get; } = cluster;

    public Random Random { get; } = random;

    public HistoryRecorder Recorder { get; } = recorder;

    public void Log(string message) => log(message);

    /// <summary>Time a member stays down or cut off: long enough for an election (1 s election timeout) to happen.</summary>
    public TimeSpan Outage => TimeSpan.FromMilliseconds(1500 + Random.Next(2000));

    /// <summary>Any follower, chosen by the run's random source.</summary>
    public async Task<Runner.ClusterMember> FollowerAsync()
    {
        var leader = await Cluster.LeaderAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        var followers = Cluster.Members.Where(m => m != leader).ToList();
        return followers[Random.Next(followers.Count)];
    }
}
