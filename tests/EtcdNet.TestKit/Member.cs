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

    public static async Task<Member> StartAsync(ServerKind kind, string name = "m1", string? dataDir = null, params string[] extraArgs)
    {
        var owns = dataDir is null;
        dataDir ??= Path.Combine(Path.GetTempPath(), $"etcdnet-{kind}-{Guid.NewGuid():N}");
        var member = new Member(kind, name, dataDir, owns, extraArgs);
        await member.StartProcessAsync().ConfigureAwait(false);
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
        "--initial-cluster", $"{Name}={PeerUrl}",
        .. _extraArgs,
    ];

    public async Task StartProcessAsync()
    {
        Process = Kind == ServerKind.EtcdNet
            ? ServerProcess.Start("dotnet", [RepoPaths.EtcdNetDll, .. Args])
            : ServerProcess.Start("etcd", Args);
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                if (Process.HasExited) throw new InvalidOperationException($"{Kind} exited with {Process.ExitCode}:\n{Process.Output}");
                using var response = await Http.GetAsync($"{ClientUrl}/health").ConfigureAwait(false);
                return response.IsSuccessStatusCode;
            }, TimeSpan.FromSeconds(30), $"{Kind} {Name} to answer /health on {ClientUrl}").ConfigureAwait(false);
        }
        catch
        {
            await Process.DisposeAsync().ConfigureAwait(false);
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
