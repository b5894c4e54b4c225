using System.Globalization;
using System.Text;
using EtcdNet.Robustness.Faults;
using EtcdNet.Robustness.Traffic;
using EtcdNet.TestKit;

namespace EtcdNet.Robustness.Runner;

/// <summary>
/// One etcdnet member of a robustness cluster: its process (started from a chosen build, with optional failpoints
/// in its environment), its ports and data dir, an optional proxy in front of its peer listener whose address it
/// advertises, and a client. Every process is stopped by its own pid; every log is kept for a failing run.
/// </summary>
public sealed class ClusterMember : IAsyncDisposable
{
    private readonly List<(ServerProcess Process, string Note)> _runs = [];
    private EtcdClient? _client;

    public ClusterMember(string name, string dataDir, string dll)
    {
        Name = name;
        DataDir = dataDir;
        Dll = dll;
        ClientPort = Ports.Free();
        PeerPort = Ports.Free();
    }

    public string Name { get; }
    public string DataDir { get; }

    /// <summary>The etcdnet.dll this member runs (the normal or the failpoints build).</summary>
    public string Dll { get; set; }

    public int ClientPort { get; }
    public int PeerPort { get; }
    public string ClientUrl => $"http://127.0.0.1:{ClientPort}";

    /// <summary>The peer URL others dial: the proxy's when there is one.</summary>
    public string AdvertisedPeerUrl => $"http://127.0.0.1:{Proxy?.ListenPort ?? PeerPort}";

    public PeerProxy? Proxy { get; private set; }
    public ServerProcess? Process { get; private set; }

    /// <summary>Raft member id (hex in logs), learned from Status once the member runs.</summary>
    public ulong Id { get; set; }

    /// <summary>False while the runner has this member killed or stopped (clients steer around it).</summary>
    public bool Up { get; set; }

    /// <summary>Every --initial-cluster entry.</summary>
    public string InitialCluster { get; set; } = "";

    /// <summary>Extra flags for every start (snapshot count and the like).</summary>
    public IReadOnlyList<string> ExtraArgs { get; set; } = [];

    public EtcdClient Client => _client ??= new EtcdClient(ClientUrl);

    public bool IsRunning => Process is { HasExited: false };

    public async Task StartProxyAsync() => Proxy = await PeerProxy.StartAsync(PeerPort).ConfigureAwait(false);

    /// <summary>Starts the process (not waiting for it to serve); <paramref name="failpoints"/> goes into ETCDNET_FAILPOINTS.</summary>
    public void Launch(string? failpoints = null, bool existing = false)
    {
        string[] args =
        [
            Dll,
            "--name", Name,
            "--data-dir", DataDir,
            "--listen-client-urls", ClientUrl,
            "--advertise-client-urls", ClientUrl,
            "--listen-peer-urls", $"http://127.0.0.1:{PeerPort}",
            "--initial-advertise-peer-urls", AdvertisedPeerUrl,
            "--initial-cluster", InitialCluster,
            "--initial-cluster-state", existing ? "existing" : "new",
            .. ExtraArgs,
        ];
        var env = failpoints is null ? null : new Dictionary<string, string> { ["ETCDNET_FAILPOINTS"] = failpoints };
        Process = ServerProcess.Start("dotnet", args, env);
        _runs.Add((Process, $"started {DateTime.UtcNow:O}" + (failpoints is null ? "" : $" ETCDNET_FAILPOINTS={failpoints}")));
    }

    /// <summary>Waits until the member serves a linearizable read (it has a leader and is caught up enough to answer).</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        await Eventually.TrueAsync(async () =>
        {
            if (Process is not { } p || p.HasExited) throw new InvalidOperationException($"{Name} is not running (exit {Process?.ExitCode})");
            var status = await Client.StatusAsync(TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
            Id = status.Header.MemberId;
            await Client.DoAsync(new History.RangeRequest("health"), TimeSpan.FromSeconds(2), CancellationToken.None).ConfigureAwait(false);
            return true;
        }, timeout, $"{Name} to serve on {ClientUrl}").ConfigureAwait(false);
        Up = true;
    }

    /// <summary>kill -9 by pid.</summary>
    public async Task KillAsync()
    {
        Up = false;
        if (Process is not null) await Process.KillAsync().ConfigureAwait(false);
    }

    /// <summary>Waits (at most <paramref name="timeout"/>) for the process to exit on its own, e.g. at a failpoint.</summary>
    public async Task<bool> WaitExitAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Process is null || Process.HasExited) return true;
            await Task.Delay(50).ConfigureAwait(false);
        }
        return false;
    }

    /// <summary>SIGSTOP / SIGCONT by pid.</summary>
    public void Signal(int signal)
    {
        if (Process is { HasExited: false } p) Posix.Kill(p.Pid, signal);
    }

    /// <summary>Every log line of every start of this member (and of its proxy).</summary>
    public string Logs
    {
        get
        {
            var text = new StringBuilder();
            foreach (var (process, note) in _runs)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"==== pid {process.Pid} {note}");
                text.AppendLine(process.Output);
                if (process.HasExited) text.AppendLine(CultureInfo.InvariantCulture, $"==== exited {process.ExitCode}");
            }
            if (Proxy is not null) text.AppendLine("==== peer proxy").AppendLine(Proxy.Output);
            return text.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Up = false;
        _client?.Dispose();
        foreach (var (process, _) in _runs) await process.DisposeAsync().ConfigureAwait(false);
        if (Proxy is not null) await Proxy.DisposeAsync().ConfigureAwait(false);
    }
}
