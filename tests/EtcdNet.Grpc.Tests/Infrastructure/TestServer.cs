using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EtcdNet.Grpc.Tests;

/// <summary>A real Kestrel on 127.0.0.1 (port chosen by the OS) serving a registry plus a plain /health endpoint.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<TestServer> StartAsync(Action<GrpcServiceRegistry> register, GrpcServerOptions? options = null,
        Action<KestrelServerOptions>? kestrelOptions = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            GrpcHosting.ConfigureKestrelLimits(kestrel);
            kestrelOptions?.Invoke(kestrel);
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseGrpcAndHttp1());
        });
        var app = builder.Build();
        var registry = new GrpcServiceRegistry();
        register(registry);
        app.UseGrpc(registry, options ?? new GrpcServerOptions());
        app.Run(static async http =>
        {
            if (http.Request.Path == "/health")
            {
                await http.Response.WriteAsync("{\"health\":\"true\",\"protocol\":\"" + http.Request.Protocol + "\"}");
                return;
            }

            http.Response.StatusCode = StatusCodes.Status404NotFound;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.Single();
        return new TestServer(app, new Uri(address));
    }

    public GrpcChannel CreateChannel(GrpcChannelOptions? options = null) => new(Address, options);

    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
