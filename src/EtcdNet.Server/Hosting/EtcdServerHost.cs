using System.Net;
using EtcdNet.Grpc;
using EtcdNet.Server.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EtcdNet.Server.Hosting;

/// <summary>
/// An etcd member served over its client URLs: gRPC (h2c) and plain HTTP (/health, /version) on the same ports,
/// as etcd's cmux does. The executable, the in-process tests and the benchmark all start members through this.
/// </summary>
public sealed partial class EtcdServerHost : IAsyncDisposable
{
    /// <summary>Room grpc-go leaves above --max-request-bytes for the rest of a message (etcd's grpcOverheadBytes).</summary>
    private const int GrpcOverheadBytes = 512 * 1024;

    private readonly WebApplication _app;

    private EtcdServerHost(EtcdServer server, WebApplication app, IReadOnlyList<Uri> clientUrls)
    {
        Server = server;
        _app = app;
        ClientUrls = clientUrls;
    }

    public EtcdServer Server { get; }

    /// <summary>The addresses actually bound (a port 0 in the options is replaced by the real one).</summary>
    public IReadOnlyList<Uri> ClientUrls { get; }

    public static async Task<EtcdServerHost> StartAsync(
        ServerOptions options, ILoggerFactory loggers, TimeProvider? time = null, CancellationToken ct = default)
    {
        var server = EtcdServer.Start(options, loggers, time);
        try
        {
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.Services.AddSingleton(loggers);
            builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
            builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            {
                GrpcHosting.ConfigureKestrelLimits(kestrel);
                foreach (var url in options.ListenClientUrls)
                {
                    Listen(kestrel, url, peer: false);
                }
                foreach (var url in options.ListenPeerUrls)
                {
                    Listen(kestrel, url, peer: true);
                }
                foreach (var url in options.ListenMetricsUrls)
                {
                    Listen(kestrel, url, peer: false, tag: MetricsConnection);
                }
            });
            var app = builder.Build();
            var registry = EtcdServices.Register(new GrpcServiceRegistry(), server);
            var peerRegistry = new GrpcServiceRegistry();
            server.Transport.Register(peerRegistry);
            LeaseForwarding.Register(peerRegistry, server);
            // Peer listeners serve raft traffic only; connections are tagged when accepted (see Listen).
            app.UseWhen(IsPeerConnection, peer => peer.UseGrpc(peerRegistry, new GrpcServerOptions { MaxReceiveMessageSize = int.MaxValue }));
            // --listen-metrics-urls answer /metrics and /health only, never client gRPC.
            app.UseWhen(c => HasTag(c, MetricsConnection), metrics => metrics.Run(c => HttpEndpoints.HandleMetricsAsync(c, server)));
            server.Metrics.Grpc.Initialize(registry.Methods);
            app.UseGrpc(registry, new GrpcServerOptions
            {
                MaxReceiveMessageSize = options.MaxRequestBytes + GrpcOverheadBytes,
                Observer = server.Metrics.Grpc,
            });
            app.Run(context => HttpEndpoints.HandleAsync(context, server));
            await app.StartAsync(ct).ConfigureAwait(false);

            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
                .Select(a => new Uri(a.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)))
                .Where(u => !(PeerPorts(options).Contains(u.Port) || MetricsPorts(options).Contains(u.Port)) || ClientPorts(options).Contains(u.Port))
                .ToArray();
            var logger = loggers.CreateLogger("embed");
            foreach (var url in bound)
            {
                LogReady(logger, url.Authority);
                LogInsecure(logger, url.Authority);
            }
            return new EtcdServerHost(server, app, bound);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private const string PeerConnection = "etcdnet-peer";
    private const string MetricsConnection = "etcdnet-metrics";

    private static bool IsPeerConnection(HttpContext context) => HasTag(context, PeerConnection);

    private static bool HasTag(HttpContext context, string tag) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(tag) == true;

    private static HashSet<int> MetricsPorts(ServerOptions o) => o.ListenMetricsUrls.Select(u => new Uri(u).Port).Where(p => p != 0).ToHashSet();

    private static HashSet<int> PeerPorts(ServerOptions o) => o.ListenPeerUrls.Select(u => new Uri(u).Port).Where(p => p != 0).ToHashSet();

    private static HashSet<int> ClientPorts(ServerOptions o) => o.ListenClientUrls.Select(u => new Uri(u).Port).ToHashSet();

    private static void Listen(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel, string url, bool peer, string? tag = null)
    {
        tag ??= peer ? PeerConnection : null;
        var uri = new Uri(url);
        if (uri.Scheme != "http")
        {
            throw new NotSupportedException($"TLS URLs are not supported yet ({url})");
        }
        Action<Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions> configure = listen =>
        {
            if (tag is not null)
            {
                listen.Use(next => connection =>
                {
                    connection.Items[tag] = true;
                    return next(connection);
                });
            }
            listen.UseGrpcAndHttp1();
        };
        if (uri.Host == "localhost")
        {
            kestrel.ListenLocalhost(uri.Port, configure);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(uri.Host), uri.Port, configure);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        await Server.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 5100, Level = LogLevel.Information, Message = "ready to serve client requests address={Address}")]
    private static partial void LogReady(ILogger logger, string address);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "serving client traffic insecurely; this is strongly discouraged! address={Address}")]
    private static partial void LogInsecure(ILogger logger, string address);
}
