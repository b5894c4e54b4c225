using EtcdNet.Grpc;
using Google.Protobuf;
using H = EtcdNet.Robustness.History;
using Mvccpb = EtcdNet.Api.Mvccpb;
using Pb = EtcdNet.Api.Etcdserverpb;

namespace EtcdNet.Robustness.Traffic;

/// <summary>
/// The robustness client of one member: KV, Lease, Watch and Maintenance calls over one gRPC channel, taking and
/// returning the history's request/response types so that what is recorded is exactly what went over the wire.
/// </summary>
public sealed class EtcdClient : IDisposable
{
    private static readonly Marshaller<Pb.RangeRequest> RangeReq = For(Pb.RangeRequest.Parser);
    private static readonly Marshaller<Pb.RangeResponse> RangeResp = For(Pb.RangeResponse.Parser);
    private static readonly Marshaller<Pb.PutRequest> PutReq = For(Pb.PutRequest.Parser);
    private static readonly Marshaller<Pb.PutResponse> PutResp = For(Pb.PutResponse.Parser);
    private static readonly Marshaller<Pb.DeleteRangeRequest> DeleteReq = For(Pb.DeleteRangeRequest.Parser);
    private static readonly Marshaller<Pb.DeleteRangeResponse> DeleteResp = For(Pb.DeleteRangeResponse.Parser);
    private static readonly Marshaller<Pb.TxnRequest> TxnReq = For(Pb.TxnRequest.Parser);
    private static readonly Marshaller<Pb.TxnResponse> TxnResp = For(Pb.TxnResponse.Parser);
    private static readonly Marshaller<Pb.CompactionRequest> CompactReq = For(Pb.CompactionRequest.Parser);
    private static readonly Marshaller<Pb.CompactionResponse> CompactResp = For(Pb.CompactionResponse.Parser);
    private static readonly Marshaller<Pb.LeaseGrantRequest> GrantReq = For(Pb.LeaseGrantRequest.Parser);
    private static readonly Marshaller<Pb.LeaseGrantResponse> GrantResp = For(Pb.LeaseGrantResponse.Parser);
    private static readonly Marshaller<Pb.LeaseRevokeRequest> RevokeReq = For(Pb.LeaseRevokeRequest.Parser);
    private static readonly Marshaller<Pb.LeaseRevokeResponse> RevokeResp = For(Pb.LeaseRevokeResponse.Parser);
    private static readonly Marshaller<Pb.StatusRequest> StatusReq = For(Pb.StatusRequest.Parser);
    private static readonly Marshaller<Pb.StatusResponse> StatusResp = For(Pb.StatusResponse.Parser);
    private static readonly Marshaller<Pb.MoveLeaderRequest> MoveReq = For(Pb.MoveLeaderRequest.Parser);
    private static readonly Marshaller<Pb.MoveLeaderResponse> MoveResp = For(Pb.MoveLeaderResponse.Parser);
    private static readonly Marshaller<Pb.DefragmentRequest> DefragReq = For(Pb.DefragmentRequest.Parser);
    private static readonly Marshaller<Pb.DefragmentResponse> DefragResp = For(Pb.DefragmentResponse.Parser);
    private static readonly Marshaller<Pb.WatchRequest> WatchReq = For(Pb.WatchRequest.Parser);
    private static readonly Marshaller<Pb.WatchResponse> WatchResp = For(Pb.WatchResponse.Parser);

    private readonly GrpcChannel _channel;

    public EtcdClient(string clientUrl)
    {
        Url = clientUrl;
        _channel = new GrpcChannel(new Uri(clientUrl), new GrpcChannelOptions
        {
            Connections = 1,
            EnableMultipleHttp2Connections = false,
            ConnectTimeout = TimeSpan.FromSeconds(1),
        });
    }

    public string Url { get; }

    /// <summary>Sends one recorded request and converts the answer; gRPC failures surface as <see cref="RpcException"/>.</summary>
    public async Task<H.Response> DoAsync(H.Request request, TimeSpan timeout, CancellationToken ct)
    {
        switch (request)
        {
            case H.RangeRequest r:
            {
                var resp = await _channel.UnaryAsync("/etcdserverpb.KV/Range", ToPb(r), RangeReq, RangeResp, timeout: timeout, ct: ct).ConfigureAwait(false);
                return new H.RangeResponse(resp.Header.Revision, resp.Kvs.Select(FromPb).ToList(), resp.Count, resp.More);
            }
            case H.PutRequest p:
            {
                var resp = await _channel.UnaryAsync("/etcdserverpb.KV/Put", ToPb(p), PutReq, PutResp, timeout: timeout, ct: ct).ConfigureAwait(false);
                return new H.PutResponse(resp.Header.Revision);
            }
            case H.DeleteRequest d:
            {
                var resp = await _channel.UnaryAsync("/etcdserverpb.KV/DeleteRange", ToPb(d), DeleteReq, DeleteResp, timeout: timeout, ct: ct).ConfigureAwait(false);
                return new H.DeleteResponse(resp.Header.Revision, resp.Deleted);
            }
            case H.TxnRequest t:
            {
                var resp = await _channel.UnaryAsync("/etcdserverpb.KV/Txn", ToPb(t), TxnReq, TxnResp, timeout: timeout, ct: ct).ConfigureAwait(false);
                return new H.TxnResponse(resp.Header.Revision, resp.Succeeded, resp.Responses.Select(FromPb).ToList());
            }
            case H.CompactRequest c:
            {
                var pb = new Pb.CompactionRequest { Revision = c.Revision, Physical = c.Physical };
                var resp = await _channel.UnaryAsync("/etcdserverpb.KV/Compact", pb, CompactReq, CompactResp, timeout: timeout, ct: ct).ConfigureAwait(false);
                return new H.CompactResponse(resp.Header.Revision);
            }
            case H.LeaseGrantRequest g:
            {
                var pb = new Pb.LeaseGrantRequest { TTL = g.Ttl, ID = g.Id };
                var resp = await _channel.UnaryAsync("/etcdserverpb.Lease/LeaseGrant", pb, GrantReq, GrantResp, timeout: timeout, ct: ct).ConfigureAwait(false);
                if (!string.IsNullOrEmpty(resp.Error)) return new H.ErrorResponse(resp.Error);
                return new H.LeaseGrantResponse(resp.Header.Revision, resp.ID, resp.TTL);
            }
            case H.LeaseRevokeRequest v:
            {
                var pb = new Pb.LeaseRevokeRequest { ID = v.Id };
                var resp = await _channel.UnaryAsync("/etcdserverpb.Lease/LeaseRevoke", pb, RevokeReq, RevokeResp, timeout: timeout, ct: ct).ConfigureAwait(false);
                return new H.LeaseRevokeResponse(resp.Header.Revision);
            }
            default:
                throw new ArgumentException($"unsupported request {request}");
        }
    }

    /// <summary>This member's status (leader, raft index, revision, member id).</summary>
    public Task<Pb.StatusResponse> StatusAsync(TimeSpan timeout, CancellationToken ct) =>
        _channel.UnaryAsync("/etcdserverpb.Maintenance/Status", new Pb.StatusRequest(), StatusReq, StatusResp, timeout: timeout, ct: ct);

    /// <summary>Asks this member (the leader) to hand leadership to <paramref name="target"/>.</summary>
    public Task<Pb.MoveLeaderResponse> MoveLeaderAsync(ulong target, TimeSpan timeout, CancellationToken ct) =>
        _channel.UnaryAsync("/etcdserverpb.Maintenance/MoveLeader", new Pb.MoveLeaderRequest { TargetID = target }, MoveReq, MoveResp, timeout: timeout, ct: ct);

    /// <summary>Defragments this member's backend.</summary>
    public Task<Pb.DefragmentResponse> DefragmentAsync(TimeSpan timeout, CancellationToken ct) =>
        _channel.UnaryAsync("/etcdserverpb.Maintenance/Defragment", new Pb.DefragmentRequest(), DefragReq, DefragResp, timeout: timeout, ct: ct);

    /// <summary>Opens a Watch stream; the caller writes the create request and disposes the call.</summary>
    public DuplexCall<Pb.WatchRequest, Pb.WatchResponse> Watch(CancellationToken ct) =>
        _channel.Duplex("/etcdserverpb.Watch/Watch", WatchReq, WatchResp, ct: ct);

    public void Dispose() => _channel.Dispose();

    internal static H.KeyValue FromPb(Mvccpb.KeyValue kv) =>
        new(kv.Key.ToStringUtf8(), kv.Value.ToStringUtf8(), kv.ModRevision, kv.CreateRevision, kv.Version, kv.Lease);

    private static Pb.RangeRequest ToPb(H.RangeRequest r)
    {
        var pb = new Pb.RangeRequest { Key = Bytes(r.Key), Revision = r.Revision, Limit = r.Limit, Serializable = r.Serializable };
        if (r.RangeEnd is not null) pb.RangeEnd = Bytes(r.RangeEnd);
        return pb;
    }

    private static Pb.PutRequest ToPb(H.PutRequest p) => new() { Key = Bytes(p.Key), Value = Bytes(p.Value), Lease = p.Lease };

    private static Pb.DeleteRangeRequest ToPb(H.DeleteRequest d)
    {
        var pb = new Pb.DeleteRangeRequest { Key = Bytes(d.Key) };
        if (d.RangeEnd is not null) pb.RangeEnd = Bytes(d.RangeEnd);
        return pb;
    }

    private static Pb.TxnRequest ToPb(H.TxnRequest t)
    {
        var pb = new Pb.TxnRequest();
        pb.Compare.AddRange(t.Compares.Select(ToPb));
        pb.Success.AddRange(t.Success.Select(ToPb));
        pb.Failure.AddRange(t.Failure.Select(ToPb));
        return pb;
    }

    private static Pb.Compare ToPb(H.Compare c)
    {
        var pb = new Pb.Compare
        {
            Key = Bytes(c.Key),
            Result = c.Result switch
            {
                H.CompareResult.Equal => Pb.Compare.Types.CompareResult.Equal,
                H.CompareResult.Greater => Pb.Compare.Types.CompareResult.Greater,
                H.CompareResult.Less => Pb.Compare.Types.CompareResult.Less,
                _ => Pb.Compare.Types.CompareResult.NotEqual,
            },
        };
        switch (c.Target)
        {
            case H.CompareTarget.Version:
                pb.Target = Pb.Compare.Types.CompareTarget.Version;
                pb.Version = c.Number;
                break;
            case H.CompareTarget.Create:
                pb.Target = Pb.Compare.Types.CompareTarget.Create;
                pb.CreateRevision = c.Number;
                break;
            case H.CompareTarget.Mod:
                pb.Target = Pb.Compare.Types.CompareTarget.Mod;
                pb.ModRevision = c.Number;
                break;
            case H.CompareTarget.Lease:
                pb.Target = Pb.Compare.Types.CompareTarget.Lease;
                pb.Lease = c.Number;
                break;
            default:
                pb.Target = Pb.Compare.Types.CompareTarget.Value;
                pb.Value = Bytes(c.Value ?? "");
                break;
        }
        return pb;
    }

    private static Pb.RequestOp ToPb(H.TxnOp op) => op switch
    {
        H.TxnRange r => new Pb.RequestOp { RequestRange = ToPb(new H.RangeRequest(r.Key, r.RangeEnd, 0, r.Limit)) },
        H.TxnPut p => new Pb.RequestOp { RequestPut = ToPb(new H.PutRequest(p.Key, p.Value, p.Lease)) },
        H.TxnDelete d => new Pb.RequestOp { RequestDeleteRange = ToPb(new H.DeleteRequest(d.Key, d.RangeEnd)) },
        _ => throw new ArgumentException($"unsupported txn op {op}"),
    };

    private static H.TxnOpResult FromPb(Pb.ResponseOp op) => op.ResponseCase switch
    {
        Pb.ResponseOp.ResponseOneofCase.ResponseRange => new H.TxnRangeResult(op.ResponseRange.Kvs.Select(FromPb).ToList(), op.ResponseRange.Count, op.ResponseRange.More),
        Pb.ResponseOp.ResponseOneofCase.ResponsePut => new H.TxnPutResult(),
        Pb.ResponseOp.ResponseOneofCase.ResponseDeleteRange => new H.TxnDeleteResult(op.ResponseDeleteRange.Deleted),
        _ => throw new InvalidDataException($"unexpected txn response op {op.ResponseCase}"),
    };

    private static ByteString Bytes(string s) => ByteString.CopyFromUtf8(s);

    private static Marshaller<T> For<T>(MessageParser<T> parser)
        where T : IMessage<T> =>
        new(seq => parser.ParseFrom(seq), static m => m.CalculateSize(), static (m, span) => m.WriteTo(span));
}
