using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Mvcc;

namespace EtcdNet.Server.Apply;

/// <summary>
/// Applies one committed request to the stores. Runs on the apply loop only, in log order; a request that fails
/// here (a compacted revision, a missing key for ignore_value) fails for the caller and changes nothing.
/// </summary>
public sealed class Applier(KvStore kv)
{
    public ApplyResult Apply(InternalRaftRequest request)
    {
        try
        {
            return request switch
            {
                { Put: { } put } => new ApplyResult(kv.Put(put)),
                { DeleteRange: { } del } => new ApplyResult(kv.DeleteRange(del)),
                { Txn: { } txn } => new ApplyResult(kv.Txn(txn)),
                { Compaction: { } compaction } => Compact(compaction),
                _ => new ApplyResult(null, new InvalidOperationException("etcdserver: unknown request in raft entry")),
            };
        }
        catch (MvccException e)
        {
            return new ApplyResult(null, e);
        }
    }

    private ApplyResult Compact(CompactionRequest request)
    {
        var physical = kv.Compact(request.Revision);
        var response = new CompactionResponse { Header = new ResponseHeader { Revision = kv.CurrentRevision } };
        return new ApplyResult(response, Physical: physical);
    }
}
