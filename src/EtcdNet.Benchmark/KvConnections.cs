using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using Google.Protobuf;

namespace EtcdNet.Benchmark;

/// <summary>The benchmark's --conns channels over its --endpoints, and the KV and Lease calls its clients make on them.</summary>
public sealed class KvConnections : IDisposable
{
    private const string PutMethod = "/etcdserverpb.KV/Put";
    private const string RangeMethod = "/etcdserverpb.KV/Range";
    private const string LeaseGrantMethod = "/etcdserverpb.Lease/LeaseGrant";
    private const string LeaseRevokeMethod = "/etcdserverpb.Lease/LeaseRevoke";
    private const string LeaseKeepAliveMethod = "/etcdserverpb.Lease/LeaseKeepAlive";

    private static readonly Marshaller<PutRequest> PutRequestMarshaller = For(PutRequest.Parser);
    private static readonly Marshaller<PutResponse> PutResponseMarshaller = For(PutResponse.Parser);
    private static readonly Marshaller<RangeRequest> RangeRequestMarshaller = For(RangeRequest.Parser);
    private static readonly Marshaller<RangeResponse> RangeResponseMarshaller = For(RangeResponse.Parser);
    private static readonly Marshaller<LeaseGrantRequest> LeaseGrantRequestMarshaller = For(LeaseGrantRequest.Parser);
    private static readonly Marshaller<LeaseGrantResponse> LeaseGrantResponseMarshaller = For(LeaseGrantResponse.Parser);
    private static readonly Marshaller<LeaseRevokeRequest> LeaseRevokeRequestMarshaller = For(LeaseRevokeRequest.Parser);
    private static readonly Marshaller<LeaseRevokeResponse> LeaseRevokeResponseMarshaller = For(LeaseRevokeResponse.Parser);
    private static readonly Marshaller<LeaseKeepAliveRequest> LeaseKeepAliveRequestMarshaller = For(LeaseKeepAliveRequest.Parser);
    private static readonly Marshaller<LeaseKeepAliveResponse> LeaseKeepAliveResponseMarshaller = For(LeaseKeepAliveResponse.Parser);

    private readonly GrpcChannel[] channels;

    /// <summary>Opens <paramref name="conns"/> channels, handing out the endpoints round-robin as etcd's benchmark does.</summary>
    public KvConnections(IReadOnlyList<Uri> endpoints, int conns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(endpoints.Count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(conns, 1);
        channels = new GrpcChannel[conns];
        for (int i = 0; i < conns; i++)
        {
            // One HTTP/2 connection per channel, so --conns means what it says; extra streams queue as in grpc-go.
            var options = new GrpcChannelOptions { Connections = 1, EnableMultipleHttp2Connections = false };
            channels[i] = new GrpcChannel(endpoints[i % endpoints.Count], options);
        }
    }

    /// <summary>Sends a Put on the channel that serves <paramref name="client"/>.</summary>
    public Task<PutResponse> PutAsync(int client, PutRequest request, CancellationToken ct) =>
        ChannelFor(client).UnaryAsync(PutMethod, request, PutRequestMarshaller, PutResponseMarshaller, ct: ct);

    /// <summary>Sends a Range on the channel that serves <paramref name="client"/>.</summary>
    public Task<RangeResponse> RangeAsync(int client, RangeRequest request, CancellationToken ct) =>
        ChannelFor(client).UnaryAsync(RangeMethod, request, RangeRequestMarshaller, RangeResponseMarshaller, ct: ct);

    /// <summary>Sends a LeaseGrant on the channel that serves <paramref name="client"/>.</summary>
    public Task<LeaseGrantResponse> LeaseGrantAsync(int client, LeaseGrantRequest request, CancellationToken ct) =>
        ChannelFor(client).UnaryAsync(LeaseGrantMethod, request, LeaseGrantRequestMarshaller, LeaseGrantResponseMarshaller, ct: ct);

    /// <summary>Sends a LeaseRevoke on the channel that serves <paramref name="client"/>.</summary>
    public Task<LeaseRevokeResponse> LeaseRevokeAsync(int client, LeaseRevokeRequest request, CancellationToken ct) =>
        ChannelFor(client).UnaryAsync(LeaseRevokeMethod, request, LeaseRevokeRequestMarshaller, LeaseRevokeResponseMarshaller, ct: ct);

    /// <summary>Opens a LeaseKeepAlive stream on the channel that serves <paramref name="client"/>; dispose it to end it.</summary>
    public DuplexCall<LeaseKeepAliveRequest, LeaseKeepAliveResponse> LeaseKeepAlive(int client, CancellationToken ct) =>
        ChannelFor(client).Duplex(LeaseKeepAliveMethod, LeaseKeepAliveRequestMarshaller, LeaseKeepAliveResponseMarshaller, ct: ct);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var channel in channels)
        {
            channel.Dispose();
        }
    }

    /// <summary>Turns etcd-style endpoints ("127.0.0.1:2379" or "http://127.0.0.1:2379", comma separated) into URIs.</summary>
    public static IReadOnlyList<Uri> ParseEndpoints(string endpoints)
    {
        var result = new List<Uri>();
        foreach (string part in endpoints.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string address = part.Contains("://", StringComparison.Ordinal) ? part : "http://" + part;
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri))
            {
                throw new ArgumentException($"invalid endpoint {part}");
            }

            result.Add(uri);
        }

        if (result.Count == 0)
        {
            throw new ArgumentException("no endpoints given");
        }

        return result;
    }

    // Clients share channels the way etcd's benchmark shares its conns: client i rides conn i mod conns.
    private GrpcChannel ChannelFor(int client) => channels[client % channels.Length];

    internal static Marshaller<T> For<T>(MessageParser<T> parser)
        where T : IMessage<T> =>
        new(parser.ParseFrom, static m => m.CalculateSize(), static (m, span) => m.WriteTo(span));
}
