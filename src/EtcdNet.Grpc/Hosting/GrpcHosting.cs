using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EtcdNet.Grpc;

/// <summary>Wires the gRPC layer into an ASP.NET Core host: the middleware, Kestrel limits and the shared h2c/HTTP/1.1 port.</summary>
public static class GrpcHosting
{
    /// <summary>
    /// Serves gRPC POSTs (content type <c>application/grpc</c>, any <c>+codec</c> or <c>;param</c> suffix) over HTTP/2;
    /// every other request goes to the next middleware (/health, /version, /metrics...).
    /// </summary>
    public static IApplicationBuilder UseGrpc(this IApplicationBuilder app, GrpcServiceRegistry registry, GrpcServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        var lifetime = app.ApplicationServices.GetService<IHostApplicationLifetime>();
        var server = new GrpcServer(registry, options, lifetime?.ApplicationStopping ?? CancellationToken.None);
        return app.Use(next => http => server.InvokeAsync(http, next));
    }

    /// <summary>Kestrel limits for long-lived gRPC streams (many watches per connection, idle clients, big windows).</summary>
    public static void ConfigureKestrelLimits(KestrelServerOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var http2 = o.Limits.Http2;

        // Every watch and lease keep-alive stream holds one HTTP/2 stream for its whole life and clientv3 puts them
        // all on one connection; Kestrel's default of 100 would queue the 101st. etcd advertises 2^32-1.
        http2.MaxStreamsPerConnection = 100_000;

        // Larger windows measured faster at 16+ concurrent callers; small calls are unaffected.
        http2.InitialConnectionWindowSize = 4 * 1024 * 1024;
        http2.InitialStreamWindowSize = 1024 * 1024;

        // Ping idle connections so a client that vanished without a FIN frees its watches.
        http2.KeepAlivePingDelay = TimeSpan.FromSeconds(30);
        http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(20);

        // grpc-go keeps idle connections open; Kestrel's 130 s would close them between a client's calls.
        o.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(30);
    }

    /// <summary>
    /// Makes a cleartext endpoint serve both h2c with prior knowledge (gRPC) and HTTP/1.1, choosing per connection
    /// from its first bytes. On h2c connections an <c>:authority</c> written as a URL (<c>http://host:port</c>, as
    /// grpc-go's passthrough resolver sends it) reaches Kestrel as the bare <c>host:port</c>.
    /// </summary>
    public static ListenOptions UseGrpcAndHttp1(this ListenOptions lo)
    {
        ArgumentNullException.ThrowIfNull(lo);
        lo.Protocols = HttpProtocols.Http1AndHttp2;

        // The placeholder TLS feature makes Kestrel expect :scheme https; gRPC clients send http.
        lo.KestrelServerOptions.AllowAlternateSchemes = true;
        // Limits are read per connection: the host may still change them after this call.
        var limits = lo.KestrelServerOptions.Limits;
        lo.Use(next => connection => Http2PrefaceDetector.OnConnectionAsync(connection, next, limits));
        return lo;
    }
}
