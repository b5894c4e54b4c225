using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;

namespace EtcdNet.Server.Services;

/// <summary>etcdserverpb.KV: validate, read locally or propose through the log, fill the header.</summary>
public sealed class KvService(EtcdServer server)
{
    public async ValueTask<RangeResponse> Range(RangeRequest request, CallContext context)
    {
        RequestChecks.CheckRange(request);
        if (!request.Serializable)
        {
            await server.LinearizableReadAsync(context.CancellationToken).ConfigureAwait(false);
        }
        var response = server.AuthorizedRead(context, request.Key.Span, request.RangeEnd.Span, () => server.Kv.Range(request));
        server.FillHeader(response.Header);
        return response;
    }

    public ValueTask<PutResponse> Put(PutRequest request, CallContext context)
    {
        RequestChecks.CheckPut(request);
        if (!server.QuotaAlarmer.Fits(request)) return server.QuotaAlarmer.RefuseAsync<PutResponse>(context.CancellationToken);
        return server.ProposeAsync(server.WithAuth(new InternalRaftRequest { Put = request }, context), (PutResponse r) => r.Header, context.CancellationToken);
    }

    public ValueTask<DeleteRangeResponse> DeleteRange(DeleteRangeRequest request, CallContext context)
    {
        RequestChecks.CheckDeleteRange(request);
        return server.ProposeAsync(server.WithAuth(new InternalRaftRequest { DeleteRange = request }, context), (DeleteRangeResponse r) => r.Header, context.CancellationToken);
    }

    public ValueTask<TxnResponse> Txn(TxnRequest request, CallContext context)
    {
        RequestChecks.CheckTxn(request, server.Options.MaxTxnOps);
        if (!server.QuotaAlarmer.Fits(request)) return server.QuotaAlarmer.RefuseAsync<TxnResponse>(context.CancellationToken);
        return server.ProposeAsync(server.WithAuth(new InternalRaftRequest { Txn = request }, context), (TxnResponse r) => r.Header, context.CancellationToken);
    }

    public async ValueTask<CompactionResponse> Compact(CompactionRequest request, CallContext context)
    {
        server.CheckAdmin(context);
        var result = await server.ProposeAsync(server.WithAuth(new InternalRaftRequest { Compaction = request }, context), context.CancellationToken).ConfigureAwait(false);
        if (request.Physical && result.Physical is { } physical)
        {
            // physical=true answers only once the old history is gone from the backend.
            await physical.WaitAsync(context.CancellationToken).ConfigureAwait(false);
        }
        var response = (CompactionResponse)result.Response!;
        server.FillHeader(response.Header);
        return response;
    }
}
