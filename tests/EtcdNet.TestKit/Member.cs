using System.Net.Http;

namespace EtcdNet.TestKit;

/// <summary>Which server binary a test runs: ours, or the real etcd 3.4 it is compared against.</summary>
public enum ServerKind
{
    EtcdNet,
    Etcd,
}

/// <summary>
/// One member process on loopback ports of its own, with a data dir; started ready (its /health answers) and
/// stopped by pid when disposed. Restart keeps the data dir and ports.
/// </summary>
public sealed class Member : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly IReadOnlyList<string> _extraArgs;
    private readonly bool _ownsDataDir;

    private Member(ServerKind kind, string name, string dataDir, bool ownsDataDir, IReadOnlyList<string> extraArgs)
    {
        Kind = kind;
        Name = name;
        DataDir = dataDir;
        _ownsDataDir = ownsDataDir;
        _extraArgs = extraArgs;
        ClientPort = Ports.Free();
        PeerPort = Ports.Free();
    }

    public ServerKind Kind { get; }
    public string Name { get; }
    public string DataDir { get; }
    public int ClientPort { get; }
    public int PeerPort { get; }
    public string ClientUrl => $"http://127.0.0.1:{ClientPort}";
    public string PeerUrl => $"http://127.0.0.1:{PeerPort}";
    public ServerProcess? Process { get; private set; }

    /// <summary>name=peer-url of every member of the cluster this one belongs to (itself alone by default).</summary>
    public string InitialCluster { get; set; } = "";

    /// <summary>"new", or "existing" for a member joining a running cluster.</summary>
    public string InitialClusterState { get; set; } = "new";

    public static async Task<Member> StartAsync(ServerKind kind, string name = "m1", string? dataDir = null, params string[] extraArgs)
    {
        var member = Prepare(kind, name, dataDir, extraArgs);
        await member.StartProcessAsync().ConfigureAwait(false);
        return member;
    }

    /// <summary>A member with its ports and data dir chosen but no process yet (for clusters started together).</summary>
    public static Member Prepare(ServerKind kind, string name, string? dataDir = null, params string[] extraArgs)
    {
        var owns = dataDir is null;
        dataDir ??= Path.Combine(Path.GetTempPath(), $"etcdnet-{kind}-{Guid.NewGuid():N}");
        var member = new Member(kind, name, dataDir, owns, extraArgs);
        member.InitialCluster = $"{name}={member.PeerUrl}";
        return member;
    }

    public IEnumerable<string> Args =>
    [
        "--name", Name,
        "--data-dir", DataDir,
        "--listen-client-urls", ClientUrl,
        "--advertise-client-urls", ClientUrl,
        "--listen-peer-urls", PeerUrl,
        "--initial-advertise-peer-urls", PeerUrl,
        "--initial-cluster", InitialCluster,
        "--initial-cluster-state", InitialClusterState,
        .. _extraArgs,
    ];

    public async Task StartProcessAsync()
    {
        Launch();
        await WaitHealthyAsync().ConfigureAwait(false);
    }

    /// <summary>Starts the process without waiting for it to serve.</summary>
    public void Launch() =>
        Process = Kind == ServerKind.EtcdNet
            ? ServerProcess.Start("dotnet", [RepoPaths.EtcdNetDll, .. Args])
            : ServerProcess.Start("etcd", Args);

    /// <summary>Waits until /health answers 200 (the member has a leader).</summary>
    public async Task WaitHealthyAsync()
    {
        var process = Process ?? throw new InvalidOperationException("not launched");
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                if (process.HasExited) throw new InvalidOperationException($"{Kind} exited with {process.ExitCode}:\n{process.Output}");
                using var response = await Http.GetAsync($"{ClientUrl}/health").ConfigureAwait(false);
                return response.IsSuccessStatusCode;
            }, TimeSpan.FromSeconds(30), $"{Kind} {Name} to answer /health on {ClientUrl}").ConfigureAwait(false);
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>kill -9, as a crash.</summary>
    public Task KillAsync() => Process?.KillAsync() ?? Task.CompletedTask;

    public async Task RestartAsync()
    {
        if (Process is not null) await Process.StopAsync().ConfigureAwait(false);
        await StartProcessAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Process is not null) await Process.DisposeAsync().ConfigureAwait(false);
        if (_ownsDataDir)
        {
            try
            {
                Directory.Delete(DataDir, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
    }
}
