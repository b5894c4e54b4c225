namespace EtcdNet.Proxy;

/// <summary>Entry point of etcdnet-proxy: parse etcd-proxy's flags, serve until SIGTERM or SIGINT.</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (!ProxyFlags.TryParse(args, out var flags, out var error))
        {
            await Console.Error.WriteLineAsync(error).ConfigureAwait(false);
            await Console.Error.WriteLineAsync(ProxyFlags.Usage).ConfigureAwait(false);
            return 2;
        }

        if (flags.Help)
        {
            await Console.Error.WriteLineAsync(ProxyFlags.Usage).ConfigureAwait(false);
            return 0;
        }

        ProxyHost host;
        try
        {
            host = await ProxyHost.StartAsync(flags).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FormatException or IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"etcdnet-proxy: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        await using (host.ConfigureAwait(false))
        {
            Console.WriteLine($"proxying [{host.Proxy.From} -> {host.Proxy.To}]");
            Console.WriteLine($"serving HTTP server {host.ControlUrl.ToString().TrimEnd('/')}");
            await host.WaitForShutdownAsync().ConfigureAwait(false);
            Console.WriteLine("received signal, shutting down");
        }

        return 0;
    }
}
