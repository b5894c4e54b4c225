using System.Diagnostics;
using System.Text;
using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;

namespace EtcdNet.Benchmark;

/// <summary>A three-member cluster (etcd or etcdnet) on free loopback ports, started with the Procfile's flags.</summary>
/// <remarks>Disposing stops every member by its pid and deletes the data dirs.</remarks>
public sealed class ClusterLauncher : IDisposable
{
    private const string StatusMethod = "/etcdserverpb.Maintenance/Status";
    private static readonly Marshaller<StatusRequest> StatusRequestMarshaller = KvConnections.For(StatusRequest.Parser);
    private static readonly Marshaller<StatusResponse> StatusResponseMarshaller = KvConnections.For(StatusResponse.Parser);

    private readonly List<ServerLauncher> members = [];

    private ClusterLauncher()
    {
    }

    /// <summary>The members in the order of --initial-cluster (infra1, infra2, infra3).</summary>
    public IReadOnlyList<ServerLauncher> Members => members;

    /// <summary>Whether any member's process has ended.</summary>
    public bool AnyExited => members.Exists(m => m.HasExited);

    /// <summary>
    /// Starts three members of <paramref name="fileName"/> (after <paramref name="leadingArgs"/>) as the Procfile does,
    /// but on free 127.0.0.1 ports and with new temp data dirs.
    /// </summary>
    public static ClusterLauncher Start(string name, string fileName, IReadOnlyList<string> leadingArgs)
    {
        const int Size = 3;
        int[] ports = ServerLauncher.FreePorts(2 * Size);
        var clients = new string[Size];
        var peers = new string[Size];
        var initialCluster = new StringBuilder();
        for (int i = 0; i < Size; i++)
        {
            clients[i] = $"http://127.0.0.1:{ports[2 * i]}";
            peers[i] = $"http://127.0.0.1:{ports[(2 * i) + 1]}";
            initialCluster.Append(i == 0 ? "" : ",").Append($"infra{i + 1}=").Append(peers[i]);
        }

        var cluster = new ClusterLauncher();
        try
        {
            for (int i = 0; i < Size; i++)
            {
                string member = $"infra{i + 1}";
                string client = clients[i];
                string peer = peers[i];
                cluster.members.Add(ServerLauncher.Start($"{name}-{member}", fileName, leadingArgs, new Uri(client), dataDir =>
                [
                    "--name", member, "--data-dir", dataDir,
                    "--listen-client-urls", client, "--advertise-client-urls", client,
                    "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                    "--initial-cluster-token", "etcd-cluster-1", "--initial-cluster", initialCluster.ToString(),
                    "--initial-cluster-state", "new", "--enable-pprof", "--logger=zap", "--log-outputs=stderr",
                ]));
            }

            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>Waits until every member answers /health (which needs a leader); throws if one exits or times out.</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout, CancellationToken ct)
    {
        // The first member to fail ends the wait: the others may never get a leader without it.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var pending = new List<Task>(members.Count);
        foreach (var member in members)
        {
            pending.Add(member.WaitHealthyAsync(timeout, stop.Token));
        }

        while (pending.Count > 0)
        {
            var done = await Task.WhenAny(pending).ConfigureAwait(false);
            pending.Remove(done);
            if (!done.IsCompletedSuccessfully)
            {
                await stop.CancelAsync().ConfigureAwait(false);
                await done.ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The member that reports itself leader in Maintenance.Status (leader == header.member_id), polled until
    /// <paramref name="timeout"/>: a leader found by a member's /health may still be stepping down.
    /// </summary>
    public async Task<ServerLauncher> FindLeaderAsync(TimeSpan timeout, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        string last = "no answer";
        while (Stopwatch.GetTimestamp() < deadline)
        {
            foreach (var member in members)
            {
                using var channel = new GrpcChannel(member.ClientUrl);
                try
                {
                    var status = await channel.UnaryAsync(StatusMethod, new StatusRequest(), StatusRequestMarshaller, StatusResponseMarshaller,
                        timeout: TimeSpan.FromSeconds(2), ct: ct).ConfigureAwait(false);
                    if (status.Leader != 0 && status.Leader == status.Header.MemberId)
                    {
                        return member;
                    }

                    last = $"{member.Name}: leader {status.Leader:x}, member {status.Header.MemberId:x}";
                }
                catch (Exception e) when (e is RpcException or HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
                {
                    last = $"{member.Name}: {e.Message}";
                }
            }

            await Task.Delay(100, ct).ConfigureAwait(false);
        }

        throw new TimeoutException($"no member reported itself leader within {timeout.TotalSeconds:0}s (last: {last})");
    }

    /// <summary>The sum of the members' peak resident set sizes (VmHWM), in bytes.</summary>
    public long TotalPeakRss()
    {
        long total = 0;
        foreach (var member in members)
        {
            total += member.ReadMemory().Peak;
        }

        return total;
    }

    /// <summary>The last lines each member wrote, member by member.</summary>
    public string RecentOutput()
    {
        var s = new StringBuilder();
        foreach (var member in members)
        {
            s.Append("--- ").Append(member.Name).Append(" (pid ").Append(member.Pid).Append(") ---\n").Append(member.RecentOutput()).Append('\n');
        }

        return s.ToString();
    }

    /// <summary>Stops every member by its pid and deletes its data dir.</summary>
    public void Dispose()
    {
        foreach (var member in members)
        {
            member.Dispose();
        }
    }
}
