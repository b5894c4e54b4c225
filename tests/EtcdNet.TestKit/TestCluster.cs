using System.Text.Json;

namespace EtcdNet.TestKit;

/// <summary>
/// A cluster of member processes on loopback ports, bootstrapped together from one --initial-cluster, as etcd's
/// Procfile does; every process is stopped by pid when the cluster is disposed.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly List<Member> _members;

    private TestCluster(List<Member> members) => _members = members;

    public IReadOnlyList<Member> Members => _members;

    public string Endpoints => string.Join(',', _members.Where(m => m.Process is { HasExited: false }).Select(m => m.ClientUrl));

    public static async Task<TestCluster> StartAsync(ServerKind kind, int size = 3, params string[] extraArgs)
    {
        var members = Enumerable.Range(1, size).Select(i => Member.Prepare(kind, $"infra{i}", null, extraArgs)).ToList();
        var initial = string.Join(',', members.Select(m => $"{m.Name}={m.PeerUrl}"));
        var cluster = new TestCluster(members);
        try
        {
            foreach (var m in members)
            {
                m.InitialCluster = initial;
                m.Launch();
            }
            foreach (var m in members) await m.WaitHealthyAsync().ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Adds a member (already added with etcdctl member add) that joins with --initial-cluster-state existing.</summary>
    public async Task<Member> JoinAsync(Member member)
    {
        member.InitialCluster = string.Join(',', _members.Append(member).Select(m => $"{m.Name}={m.PeerUrl}"));
        member.InitialClusterState = "existing";
        _members.Add(member);
        await member.StartProcessAsync().ConfigureAwait(false);
        return member;
    }

    /// <summary>The member the running members agree is leader.</summary>
    public async Task<Member> LeaderAsync()
    {
        Member? leader = null;
        await Eventually.TrueAsync(async () =>
        {
            foreach (var m in _members.Where(m => m.Process is { HasExited: false }))
            {
                var status = await Etcdctl.RunAsync(m.ClientUrl, ["endpoint", "status", "-w", "json"]).ConfigureAwait(false);
                if (status.ExitCode != 0) continue;
                var s = JsonDocument.Parse(status.Stdout).RootElement[0].GetProperty("Status");
                if (s.GetProperty("leader").GetUInt64() == s.GetProperty("header").GetProperty("member_id").GetUInt64())
                {
                    leader = m;
                    return true;
                }
            }
            return false;
        }, TimeSpan.FromSeconds(30), "a leader").ConfigureAwait(false);
        return leader!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var m in _members) await m.DisposeAsync().ConfigureAwait(false);
    }
}
