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
        var response = server.Kv.Range(request);
        server.FillHeader(response.Header);
        return response;
    }

    public ValueTask<PutResponse> Put(PutRequest request, CallContext context)
    {
        RequestChecks.CheckPut(request);
        return ProposeAsync(new InternalRaftRequest { Put = request }, (PutResponse r) => r.Header, context);
    }

    public ValueTask<DeleteRangeResponse> DeleteRange(DeleteRangeRequest request, CallContext context)
    {
        RequestChecks.CheckDeleteRange(request);
        return ProposeAsync(new InternalRaftRequest { DeleteRange = request }, (DeleteRangeResponse r) => r.Header, context);
    }

    public ValueTask<TxnResponse> Txn(TxnRequest request, CallContext context)
    {
        RequestChecks.CheckTxn(request, server.Options.MaxTxnOps);
        return ProposeAsync(new InternalRaftRequest { Txn = request }, (TxnResponse r) => r.Header, context);
    }

    /// <summary>Proposes a write, waits for it to be applied here, and fills the answer's header.</summary>
    private async ValueTask<T> ProposeAsync<T>(InternalRaftRequest request, Func<T, ResponseHeader> header, CallContext context)
        where T : class
    {
        var result = await server.ProposeAsync(request, context.CancellationToken).ConfigureAwait(false);
        var response = (T)result.Response!;
        server.FillHeader(header(response));
        return response;
    }

    public async ValueTask<CompactionResponse> Compact(CompactionRequest request, CallContext context)
    {
        var result = await server.ProposeAsync(new InternalRaftRequest { Compaction = request }, context.CancellationToken).ConfigureAwait(false);
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
