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

    public async ValueTask<PutResponse> Put(PutRequest request, CallContext context)
    {
        RequestChecks.CheckPut(request);
        var result = await server.ProposeAsync(new InternalRaftRequest { Put = request }, context.CancellationToken).ConfigureAwait(false);
        var response = (PutResponse)result.Response!;
        server.FillHeader(response.Header);
        return response;
    }

    public async ValueTask<DeleteRangeResponse> DeleteRange(DeleteRangeRequest request, CallContext context)
    {
        RequestChecks.CheckDeleteRange(request);
        var result = await server.ProposeAsync(new InternalRaftRequest { DeleteRange = request }, context.CancellationToken).ConfigureAwait(false);
        var response = (DeleteRangeResponse)result.Response!;
        server.FillHeader(response.Header);
        return response;
    }

    public async ValueTask<TxnResponse> Txn(TxnRequest request, CallContext context)
    {
        RequestChecks.CheckTxn(request, server.Options.MaxTxnOps);
        var result = await server.ProposeAsync(new InternalRaftRequest { Txn = request }, context.CancellationToken).ConfigureAwait(false);
        var response = (TxnResponse)result.Response!;
        server.FillHeader(response.Header);
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
