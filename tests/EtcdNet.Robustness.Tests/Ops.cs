using EtcdNet.Robustness.History;

namespace EtcdNet.Robustness.Tests;

/// <summary>Builds hand-written histories for the self-tests: one call per operation, ids in order.</summary>
internal sealed class Ops
{
    public List<Operation> List { get; } = [];

    public Ops Add(int client, long call, long ret, Request request, Response? response)
    {
        List.Add(new Operation(List.Count, client, call, response is null ? Operation.Infinity : ret, request, response, response is null ? "timeout" : null));
        return this;
    }

    public Ops Put(int client, long call, long ret, string key, string value, long revision) =>
        Add(client, call, ret, new PutRequest(key, value), new PutResponse(revision));

    public Ops Get(int client, long call, long ret, string key, long revision, params KeyValue[] kvs) =>
        Add(client, call, ret, new RangeRequest(key), new RangeResponse(revision, kvs, kvs.Length));

    public static KeyValue Kv(string key, string value, long mod, long create = 0, long version = 1) =>
        new(key, value, mod, create == 0 ? mod : create, version);
}
