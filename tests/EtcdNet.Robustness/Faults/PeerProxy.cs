using System.Net;
using System.Net.Http;
using EtcdNet.TestKit;

namespace EtcdNet.Robustness.Faults;

/// <summary>
/// An etcdnet-proxy process in front of one member's peer listener, and its HTTP control API (etcd functional
/// proxy's routes): tx is traffic towards the member, rx is what the member sends back on those connections.
/// </summary>
public sealed class PeerProxy : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly ServerProcess _process;

    private PeerProxy(ServerProcess process, int listenPort, int httpPort)
    {
        _process = process;
        ListenPort = listenPort;
        HttpPort = httpPort;
    }

    /// <summary>The port peers dial (the member advertises it as its peer URL).</summary>
    public int ListenPort { get; }

    /// <summary>The control API's port.</summary>
    public int HttpPort { get; }

    /// <summary>The proxy's log, for a failing run's saved files.</summary>
    public string Output => _process.Output;

    /// <summary>etcdnet-proxy.dll beside the etcdnet build (same artifacts folder and configuration).</summary>
    public static string ProxyDll
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("ETCDNET_PROXY_DLL");
            if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
            var etcdnet = RepoPaths.EtcdNetDll;
            var config = Path.GetFileName(Path.GetDirectoryName(etcdnet)!);
            var bin = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(etcdnet)!, "..", ".."));
            return Path.Combine(bin, "EtcdNet.Proxy", config, "etcdnet-proxy.dll");
        }
    }

    /// <summary>True when the proxy has been built.</summary>
    public static bool Available => File.Exists(ProxyDll);

    /// <summary>Starts a proxy from a fresh loopback port to <paramref name="targetPort"/> and waits for its API.</summary>
    public static async Task<PeerProxy> StartAsync(int targetPort)
    {
        var listen = Ports.Free();
        var http = Ports.Free();
        var process = ServerProcess.Start("dotnet", [ProxyDll, "--from", $"127.0.0.1:{listen}", "--to", $"127.0.0.1:{targetPort}", "--http-port", http.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        var proxy = new PeerProxy(process, listen, http);
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                if (process.HasExited) throw new InvalidOperationException($"etcdnet-proxy exited:\n{process.Output}");
                using var response = await Http.GetAsync(proxy.Url("/delay-tx")).ConfigureAwait(false);
                return response.IsSuccessStatusCode;
            }, TimeSpan.FromSeconds(20), $"etcdnet-proxy on {http}").ConfigureAwait(false);
            return proxy;
        }
        catch
        {
            await proxy.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>PUT /blackhole-tx and /blackhole-rx: everything in both directions is dropped.</summary>
    public async Task BlackholeAsync()
    {
        await SendAsync(HttpMethod.Put, "/blackhole-tx").ConfigureAwait(false);
        await SendAsync(HttpMethod.Put, "/blackhole-rx").ConfigureAwait(false);
    }

    /// <summary>DELETE /blackhole-tx and /blackhole-rx.</summary>
    public async Task UnblackholeAsync()
    {
        await SendAsync(HttpMethod.Delete, "/blackhole-tx").ConfigureAwait(false);
        await SendAsync(HttpMethod.Delete, "/blackhole-rx").ConfigureAwait(false);
    }

    /// <summary>PUT /delay-tx and /delay-rx with a latency and its random variation.</summary>
    public async Task DelayAsync(TimeSpan latency, TimeSpan randomVariable)
    {
        var form = $"latency={(int)latency.TotalMilliseconds}ms&random-variable={(int)randomVariable.TotalMilliseconds}ms";
        await SendAsync(HttpMethod.Put, "/delay-tx", form).ConfigureAwait(false);
        await SendAsync(HttpMethod.Put, "/delay-rx", form).ConfigureAwait(false);
    }

    /// <summary>DELETE /delay-tx and /delay-rx.</summary>
    public async Task UndelayAsync()
    {
        await SendAsync(HttpMethod.Delete, "/delay-tx").ConfigureAwait(false);
        await SendAsync(HttpMethod.Delete, "/delay-rx").ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await _process.DisposeAsync().ConfigureAwait(false);

    private string Url(string path) => $"http://127.0.0.1:{HttpPort}{path}";

    private async Task SendAsync(HttpMethod method, string path, string? form = null)
    {
        using var request = new HttpRequestMessage(method, Url(path));
        if (form is not null) request.Content = new StringContent(form, System.Text.Encoding.ASCII, "application/x-www-form-urlencoded");
        using var response = await Http.SendAsync(request).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        // etcd's proxy answers a bad form with 200 and a "wrong ..." line.
        if (response.StatusCode != HttpStatusCode.OK || body.StartsWith("wrong", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"etcdnet-proxy {method} {path}: {(int)response.StatusCode} {body.Trim()}");
        }
    }
}
