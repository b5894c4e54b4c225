using System.Net;
using EtcdNet.Grpc;
using EtcdNet.Server.PeerTransport;
using EtcdNet.TestKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EtcdNet.Server.Tests.PeerTransport;

/// <summary>One member's transport with its peer listener on a loopback port, as the host will mount it.</summary>
internal sealed class PeerMember : IAsyncDisposable
{
    private WebApplication? _app;

    private PeerMember(RaftTransport transport, RecordingHandler handler, RaftTransportOptions options)
    {
        Transport = transport;
        Handler = handler;
        Options = options;
    }

    public RaftTransport Transport { get; }

    public RecordingHandler Handler { get; }

    public RaftTransportOptions Options { get; }

    public ulong Id => Options.LocalId;

    /// <summary>The peer URL, once the listener has started.</summary>
    public string Url { get; private set; } = "";

    /// <summary>A transport on a listener at <paramref name="port"/> (0: any free port).</summary>
    public static async Task<PeerMember> StartAsync(RaftTransportOptions options, int port = 0)
    {
        var member = Create(options);
        await member.ListenAsync(port);
        return member;
    }

    /// <summary>A transport whose listener is not started yet (a peer that is down).</summary>
    public static PeerMember Create(RaftTransportOptions options)
    {
        var handler = new RecordingHandler();
        return new PeerMember(new RaftTransport(options, handler, NullLogger.Instance), handler, options);
    }

    /// <summary>Fast timers, so reconnects and probes happen well within a test's deadline.</summary>
    public static RaftTransportOptions FastOptions(ulong id, ulong clusterId = 0xc1, string? snapshotDirectory = null) => new()
    {
        LocalId = id,
        ClusterId = clusterId,
        SnapshotDirectory = snapshotDirectory,
        MinBackoff = TimeSpan.FromMilliseconds(20),
        MaxBackoff = TimeSpan.FromMilliseconds(200),
        ProbeInterval = TimeSpan.FromMilliseconds(200),

        // Generous: on a loaded 2-core machine a dial can take a while, and messages queued during a dial that
        // times out are dropped (raft would resend them; a test would wait in vain).
        DialTimeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>Adds <paramref name="other"/> as a peer and waits until the stream to it is accepted.</summary>
    public async Task ConnectToAsync(PeerMember other)
    {
        Transport.AddPeer(other.Id, [other.Url]);
        await Eventually.TrueAsync(() => Task.FromResult(Transport.IsActive(other.Id)), TimeSpan.FromSeconds(15),
            $"the stream from {Id} to {other.Id}");
    }

    public async Task ListenAsync(int port)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            GrpcHosting.ConfigureKestrelLimits(kestrel);
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2);
        });
        var app = builder.Build();
        var registry = new GrpcServiceRegistry();
        Transport.Register(registry);
        app.UseGrpc(registry, new GrpcServerOptions { MaxReceiveMessageSize = 16 * 1024 * 1024 });
        await app.StartAsync();
        Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _app = app;
    }

    /// <summary>Stops the listener only: the member looks down to its peers.</summary>
    public async Task StopListeningAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Transport.DisposeAsync();
        await StopListeningAsync();
    }
}
