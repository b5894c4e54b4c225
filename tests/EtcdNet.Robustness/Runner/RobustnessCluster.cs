using EtcdNet.Robustness.History;
using EtcdNet.Robustness.Traffic;
using EtcdNet.TestKit;

namespace EtcdNet.Robustness.Runner;

/// <summary>
/// A 3-member etcdnet cluster on 127.0.0.1 for one robustness run, bootstrapped together (as the Procfile does),
/// optionally with a proxy in front of every peer listener; stopped by pid when disposed.
/// </summary>
public sealed class RobustnessCluster : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(40);

    private RobustnessCluster(IReadOnlyList<ClusterMember> members, string dataRoot)
    {
        Members = members;
        DataRoot = dataRoot;
    }

    public IReadOnlyList<ClusterMember> Members { get; }

    /// <summary>The folder that holds every member's data dir.</summary>
    public string DataRoot { get; }

    public static async Task<RobustnessCluster> StartAsync(string dll, bool peerProxies, IReadOnlyList<string> extraArgs, int size = 3)
    {
        var root = Path.Combine(Path.GetTempPath(), $"etcdnet-robustness-{Guid.NewGuid():N}");
        var members = Enumerable.Range(1, size)
            .Select(i => new ClusterMember($"infra{i}", Path.Combine(root, $"infra{i}.etcd"), dll) { ExtraArgs = extraArgs })
            .ToList();
        var cluster = new RobustnessCluster(members, root);
        try
        {
            if (peerProxies)
            {
                await Task.WhenAll(members.Select(m => m.StartProxyAsync())).ConfigureAwait(false);
            }
            var initial = string.Join(',', members.Select(m => $"{m.Name}={m.AdvertisedPeerUrl}"));
            foreach (var m in members)
            {
                m.InitialCluster = initial;
                m.Launch();
            }
            await Task.WhenAll(members.Select(m => m.WaitReadyAsync(StartTimeout))).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The client a traffic client should use: its own member if up, else the next one that is.</summary>
    public EtcdClient? ClientFor(int clientId)
    {
        for (var i = 0; i < Members.Count; i++)
        {
            var m = Members[(clientId + i) % Members.Count];
            if (m.Up) return m.Client;
        }
        return null;
    }

    /// <summary>The member the running members agree is leader.</summary>
    public async Task<ClusterMember> LeaderAsync(TimeSpan timeout)
    {
        ClusterMember? leader = null;
        await Eventually.TrueAsync(async () =>
        {
            foreach (var m in Members.Where(m => m.Up && m.IsRunning))
            {
                var status = await m.Client.StatusAsync(TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
                if (status.Leader != 0 && status.Leader == status.Header.MemberId)
                {
                    leader = m;
                    return true;
                }
            }
            return false;
        }, timeout, "a leader").ConfigureAwait(false);
        return leader!;
    }

    /// <summary>Restarts every member that is not running (after a failpoint crash, say) and waits for all to serve.</summary>
    public async Task EnsureAllRunningAsync()
    {
        foreach (var m in Members.Where(m => !m.IsRunning)) m.Launch();
        await Task.WhenAll(Members.Select(m => m.WaitReadyAsync(StartTimeout))).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits until every member reports the same revision twice in a row (all caught up, nothing in flight),
    /// then reads each member's whole keyspace under <paramref name="prefix"/> locally (serializable).
    /// </summary>
    public async Task<IReadOnlyList<MemberState>> SettleAndReadAsync(string prefix, TimeSpan timeout)
    {
        long[]? previous = null;
        await Eventually.TrueAsync(async () =>
        {
            var revisions = new long[Members.Count];
            for (var i = 0; i < Members.Count; i++)
            {
                var r = await Members[i].Client.DoAsync(new RangeRequest("health", Serializable: true), TimeSpan.FromSeconds(2), CancellationToken.None).ConfigureAwait(false);
                revisions[i] = r.Revision;
            }
            var settled = revisions.All(r => r == revisions[0]) && previous is not null && previous.SequenceEqual(revisions);
            previous = revisions;
            if (!settled) await Task.Delay(200).ConfigureAwait(false);
            return settled;
        }, timeout, "every member at the same revision").ConfigureAwait(false);

        var states = new List<MemberState>();
        foreach (var m in Members)
        {
            var r = (RangeResponse)await m.Client.DoAsync(RangeRequest.Prefix(prefix, serializable: true), TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
            states.Add(new MemberState(m.Name, r.Revision, r.Kvs));
        }
        return states;
    }

    /// <summary>Writes each member's logs into <paramref name="directory"/>.</summary>
    public void SaveLogs(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var m in Members) File.WriteAllText(Path.Combine(directory, $"{m.Name}.log"), m.Logs);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var m in Members) await m.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(DataRoot, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
