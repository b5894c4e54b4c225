using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EtcdNet.Proxy;

/// <summary>A running etcdnet-proxy: the TCP proxy plus its HTTP control API on Kestrel, stopped together.</summary>
public sealed class ProxyHost : IAsyncDisposable
{
    // Go reads at most 10 MB of form; a control request is a few bytes, so anything near this is not a control request.
    private const int MaxBodyBytes = 1 << 20;

    private readonly WebApplication _app;

    private ProxyHost(WebApplication app, ProxyServer proxy, Uri controlUrl)
    {
        _app = app;
        Proxy = proxy;
        ControlUrl = controlUrl;
    }

    /// <summary>The TCP proxy, for in-process callers that set faults directly.</summary>
    public ProxyServer Proxy { get; }

    /// <summary>http://host:port of the control API (the bound port when 0 was asked for).</summary>
    public Uri ControlUrl { get; }

    /// <summary>Binds both listeners (errors surface here) and starts serving.</summary>
    public static async Task<ProxyHost> StartAsync(ProxyFlags flags, CancellationToken cancellationToken = default)
    {
        var from = ProxyAddress.Parse(flags.From);
        var to = ProxyAddress.Parse(flags.To);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (flags.Verbose)
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        }

        var controlIp = from.ResolveForListen();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(controlIp, flags.HttpPort);
            kestrel.Limits.MaxRequestBodySize = MaxBodyBytes;
            kestrel.AddServerHeader = false;
        });

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("etcdnet-proxy");
        var proxy = ProxyServer.Start(from, to, logger);
        try
        {
            var api = new ControlApi(proxy, (change, direction) => ProxyLog.FaultChanged(logger, change, direction, proxy.From, proxy.To));
            app.Run(context => ServeControlAsync(context, api));
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await proxy.DisposeAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        var port = bound is null ? flags.HttpPort : new Uri(bound.Replace("[::]", "localhost", StringComparison.Ordinal)).Port;
        var host = controlIp.Equals(IPAddress.Any) || controlIp.Equals(IPAddress.IPv6Any) ? "localhost"
            : controlIp.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{controlIp}]" : controlIp.ToString();
        return new ProxyHost(app, proxy, new Uri($"http://{host}:{port}"));
    }

    /// <summary>Completes when the process is asked to stop (SIGTERM, SIGINT) or <see cref="DisposeAsync"/> runs.</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    /// <summary>Stops the control API, then the proxy and every connection through it.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await _app.StopAsync(grace.Token).ConfigureAwait(false);
        }
        finally
        {
            await Proxy.DisposeAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task ServeControlAsync(HttpContext context, ControlApi api)
    {
        var request = context.Request;
        var body = "";
        if (request.Method is "PUT" or "POST" or "PATCH" && ControlApi.IsForm(request.ContentType))
        {
            using var reader = new StreamReader(request.Body);
            body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        }

        var answer = api.Handle(request.Method, request.Path.Value ?? "/", request.ContentType, body);
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(answer, context.RequestAborted).ConfigureAwait(false);
    }
}
