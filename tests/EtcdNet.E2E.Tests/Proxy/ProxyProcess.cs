using System.Net.Http;
using EtcdNet.TestKit;

namespace EtcdNet.E2E.Tests.Proxy;

/// <summary>An etcdnet-proxy process on loopback ports of its own, ready (its control API answers); stopped by pid.</summary>
public sealed class ProxyProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private ProxyProcess(ServerProcess process, int listenPort, int httpPort)
    {
        Process = process;
        ListenPort = listenPort;
        HttpPort = httpPort;
    }

    public ServerProcess Process { get; }

    /// <summary>The port clients connect to (what etcd would advertise).</summary>
    public int ListenPort { get; }

    public int HttpPort { get; }

    public string Endpoint => $"127.0.0.1:{ListenPort}";

    public string ControlUrl => $"http://127.0.0.1:{HttpPort}";

    /// <summary>etcdnet-proxy.dll from the same build configuration as the running tests (or $ETCDNET_PROXY_DLL).</summary>
    public static string Dll
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("ETCDNET_PROXY_DLL");
            if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
            var config = AppContext.BaseDirectory.Contains("/release/", StringComparison.OrdinalIgnoreCase) ? "release" : "debug";
            var artifacts = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", ".."));
            var dll = Path.Combine(artifacts, "bin", "EtcdNet.Proxy", config, "etcdnet-proxy.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"etcdnet-proxy not built: {dll} (run ./build.sh build)");
        }
    }

    /// <summary>Starts `etcdnet-proxy --from 127.0.0.1:free --to <paramref name="to"/> --http-port free` and waits for it.</summary>
    public static async Task<ProxyProcess> StartAsync(string to)
    {
        var listenPort = Ports.Free();
        var httpPort = Ports.Free();
        var process = ServerProcess.Start("dotnet", [Dll, "--from", $"127.0.0.1:{listenPort}", "--to", to, "--http-port", httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        var proxy = new ProxyProcess(process, listenPort, httpPort);
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                if (process.HasExited) throw new InvalidOperationException($"etcdnet-proxy exited with {process.ExitCode}:\n{process.Output}");
                var answer = await Http.GetStringAsync(proxy.ControlUrl).ConfigureAwait(false);
                return answer.StartsWith("proxying [", StringComparison.Ordinal);
            }, TimeSpan.FromSeconds(30), $"etcdnet-proxy to answer on {proxy.ControlUrl}").ConfigureAwait(false);
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return proxy;
    }

    /// <summary>
    /// A control request as a user would send it: `curl -s -X METHOD URL [-d FORM]` with the real curl when installed,
    /// otherwise HttpClient with the same url-encoded body. Returns the answer line.
    /// </summary>
    public async Task<string> CurlAsync(string method, string path, string? form = null)
    {
        var url = ControlUrl + path;
        if (CurlInstalled)
        {
            List<string> args = ["-s", "-S", "--max-time", "10", "-X", method, url];
            if (form is not null) args.AddRange(["-d", form]);
            var result = await ProcessRunner.RunAsync("curl", args).ConfigureAwait(false);
            if (result.ExitCode != 0) throw new InvalidOperationException($"curl failed: {result}");
            return result.Stdout;
        }

        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (form is not null) request.Content = new StringContent(form, null, "application/x-www-form-urlencoded");
        using var response = await Http.SendAsync(request).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync().ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();

    private static bool CurlInstalled { get; } =
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, "curl")));
}
