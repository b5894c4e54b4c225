using System.Globalization;

namespace EtcdNet.Robustness.History;

/// <summary>Short, etcdctl-like text for requests and responses, so violation messages stay readable.</summary>
public static class OperationText
{
    /// <summary>The request as one short line.</summary>
    public static string Describe(Request request) => request switch
    {
        RangeRequest r => $"get {Range(r.Key, r.RangeEnd)}" + (r.Revision > 0 ? $" --rev={r.Revision}" : "") + (r.Limit > 0 ? $" --limit={r.Limit}" : "")
            + (r.Serializable ? " --consistency=s" : ""),
        PutRequest p => $"put {p.Key} {p.Value}" + (p.Lease != 0 ? $" --lease={p.Lease:x}" : ""),
        DeleteRequest d => $"del {Range(d.Key, d.RangeEnd)}",
        TxnRequest t => $"txn if({string.Join(" && ", t.Compares.Select(Describe))}) then({string.Join("; ", t.Success.Select(Describe))}) else({string.Join("; ", t.Failure.Select(Describe))})",
        LeaseGrantRequest g => $"lease grant {g.Ttl}" + (g.Id != 0 ? $" id {g.Id:x}" : ""),
        LeaseRevokeRequest r => $"lease revoke {r.Id:x}",
        CompactRequest c => $"compact {c.Revision}",
        _ => request.ToString(),
    };

    /// <summary>The response as one short line.</summary>
    public static string Describe(Response response) => response switch
    {
        RangeResponse r => $"rev {r.Revision} [{string.Join(", ", r.Kvs)}]" + (r.Count != r.Kvs.Count ? $" count {r.Count}" : "") + (r.More ? " more" : ""),
        TxnResponse t => $"rev {t.Revision} {(t.Succeeded ? "succeeded" : "failed")} [{string.Join("; ", t.Results.Select(Describe))}]",
        DeleteResponse d => $"rev {d.Revision} deleted {d.Deleted}",
        LeaseGrantResponse g => $"rev {g.Revision} lease {g.Id:x} ttl {g.Ttl}",
        ErrorResponse e => $"error \"{e.Message}\"",
        _ => $"rev {response.Revision.ToString(CultureInfo.InvariantCulture)}",
    };

    private static string Describe(Compare c) =>
        $"{c.Target}({c.Key}) {c.Result switch { CompareResult.Equal => "=", CompareResult.Greater => ">", CompareResult.Less => "<", _ => "!=" }} "
        + (c.Target == CompareTarget.Value ? $"\"{c.Value}\"" : c.Number.ToString(CultureInfo.InvariantCulture));

    private static string Describe(TxnOp op) => op switch
    {
        TxnRange r => $"get {Range(r.Key, r.RangeEnd)}" + (r.Limit > 0 ? $" --limit={r.Limit}" : ""),
        TxnPut p => $"put {p.Key} {p.Value}" + (p.Lease != 0 ? $" --lease={p.Lease:x}" : ""),
        TxnDelete d => $"del {Range(d.Key, d.RangeEnd)}",
        _ => op.ToString(),
    };

    private static string Describe(TxnOpResult result) => result switch
    {
        TxnRangeResult r => $"[{string.Join(", ", r.Kvs)}]",
        TxnDeleteResult d => $"deleted {d.Deleted}",
        _ => "ok",
    };

    private static string Range(string key, string? end) => string.IsNullOrEmpty(end) ? key : end == "\0" ? $"{key} --from-key" : $"[{key}, {end})";
}
