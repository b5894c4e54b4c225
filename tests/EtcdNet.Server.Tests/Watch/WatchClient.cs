using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using EtcdNet.Server.Services;
using Google.Protobuf;

namespace EtcdNet.Server.Tests.Watch;

/// <summary>One Watch call over the member's channel, with create/cancel/progress helpers and reads with a deadline.</summary>
internal sealed class WatchClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly DuplexCall<WatchRequest, WatchResponse> _call;

    public WatchClient(GrpcChannel channel) =>
        _call = channel.Duplex("/etcdserverpb.Watch/Watch", ProtoMarshaller.For<WatchRequest>(), ProtoMarshaller.For<WatchResponse>());

    public static ByteString B(string s) => ByteString.CopyFromUtf8(s);

    public ValueTask CreateAsync(WatchCreateRequest create) => _call.WriteAsync(new WatchRequest { CreateRequest = create });

    public ValueTask CreateAsync(string key, long startRevision = 0, long id = 0) =>
        CreateAsync(new WatchCreateRequest { Key = B(key), StartRevision = startRevision, WatchId = id });

    public ValueTask CancelAsync(long id) => _call.WriteAsync(new WatchRequest { CancelRequest = new WatchCancelRequest { WatchId = id } });

    public ValueTask ProgressAsync() => _call.WriteAsync(new WatchRequest { ProgressRequest = new WatchProgressRequest() });

    public async Task<WatchResponse> NextAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        if (!await _call.Responses.MoveNextAsync(cts.Token))
        {
            throw new InvalidOperationException("the watch stream ended");
        }
        return _call.Responses.Current;
    }

    /// <summary>Reads <paramref name="count"/> created answers and returns their watch ids in order.</summary>
    public async Task<List<long>> CreatedAsync(int count)
    {
        var ids = new List<long>(count);
        while (ids.Count < count)
        {
            WatchResponse r = await NextAsync();
            Assert.True(r.Created, $"expected a created answer, got {r}");
            ids.Add(r.WatchId);
        }
        return ids;
    }

    public ValueTask DisposeAsync() => _call.DisposeAsync();
}
