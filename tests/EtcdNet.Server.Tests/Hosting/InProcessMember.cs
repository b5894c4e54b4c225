using EtcdNet.Grpc;
using EtcdNet.Server.Hosting;
using EtcdNet.Server.Services;
using EtcdNet.TestKit;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace EtcdNet.Server.Tests.Hosting;

/// <summary>A member hosted in the test process on a loopback port of its own, with a gRPC channel to it.</summary>
public sealed class InProcessMember : IAsyncDisposable
{
    private readonly TempDir _dir;

    private InProcessMember(TempDir dir, EtcdServerHost host)
    {
        _dir = dir;
        Host = host;
        Channel = new GrpcChannel(host.ClientUrls[0]);
    }

    public EtcdServerHost Host { get; }
    public GrpcChannel Channel { get; }

    public static async Task<InProcessMember> StartAsync(Func<ServerOptions, ServerOptions>? configure = null, TempDir? dir = null, TimeProvider? time = null)
    {
        dir ??= new TempDir();
        var peerUrl = $"http://127.0.0.1:{Ports.Free()}";
        var options = new ServerOptions
        {
            Name = "t1",
            DataDir = dir.Path,
            ListenClientUrls = ["http://127.0.0.1:0"],
            ListenPeerUrls = [peerUrl],
            InitialAdvertisePeerUrls = [peerUrl],
        };
        options = configure?.Invoke(options) ?? options;
        var host = await EtcdServerHost.StartAsync(options, NullLoggerFactory.Instance, time);
        return new InProcessMember(dir, host);
    }

    public Task<TResp> CallAsync<TReq, TResp>(string method, TReq request)
        where TReq : class, IMessage<TReq>, new()
        where TResp : class, IMessage<TResp>, new() =>
        Channel.UnaryAsync(method, request, ProtoMarshaller.For<TReq>(), ProtoMarshaller.For<TResp>(), timeout: TimeSpan.FromSeconds(10));

    /// <summary>Stops the member but keeps its data dir for a restart.</summary>
    public async Task StopAsync()
    {
        Channel.Dispose();
        await Host.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _dir.Dispose();
    }
}
