using EtcdNet.Robustness.History;

namespace EtcdNet.Robustness.Tests;

/// <summary>
/// Random linearizable histories for the self-tests: requests are answered by <see cref="SequentialEtcd"/> in order,
/// each at a linearization point inside an interval that overlaps its neighbours', by a client that is not busy.
/// </summary>
internal sealed class HistoryGenerator(int seed, int clients = 8, int keys = 4)
{
    private readonly Random _random = new(seed);
    private readonly List<long> _leases = [];
    private int _value;

    public SequentialEtcd Etcd { get; } = new();

    public List<Operation> Generate(int count, double unknownRate = 0)
    {
        var ops = new List<Operation>(count);
        var busyUntil = new long[clients];
        long t = 1000;
        while (ops.Count < count)
        {
            t += _random.Next(1, 20);
            var free = Enumerable.Range(0, clients).Where(c => busyUntil[c] < t - 60).ToList();
            if (free.Count == 0)
            {
                continue;
            }
            var client = free[_random.Next(free.Count)];
            var request = NextRequest();
            var response = Etcd.Answer(request);
            var call = t - _random.Next(0, 60);
            var ret = t + _random.Next(0, 60);
            busyUntil[client] = ret;
            if (request.IsWrite && _random.NextDouble() < unknownRate)
            {
                ops.Add(new Operation(ops.Count, client, call, Operation.Infinity, request, null, "context deadline exceeded"));
                continue;
            }
            // Only a client that saw the grant's answer knows the lease id to use.
            if (response is LeaseGrantResponse granted)
            {
                _leases.Add(granted.Id);
            }
            ops.Add(new Operation(ops.Count, client, call, ret, request, response));
        }
        return ops;
    }

    private string Key() => "key" + _random.Next(keys);

    private string Value() => "v" + _value++;

    private Request NextRequest()
    {
        var roll = _random.Next(100);
        return roll switch
        {
            < 30 => new RangeRequest(Key()),
            < 35 => RangeRequest.Prefix("key"),
            < 38 => RangeRequest.Prefix("key", limit: 2),
            < 40 => new RangeRequest("key", "\0"),
            < 65 => new PutRequest(Key(), Value()),
            < 72 => new DeleteRequest(Key()),
            < 90 => Txn(),
            < 93 => new LeaseGrantRequest(60),
            < 95 when _leases.Count > 0 => new PutRequest(Key(), Value(), _leases[_random.Next(_leases.Count)]),
            < 97 when _leases.Count > 0 => new LeaseRevokeRequest(_leases[_random.Next(_leases.Count)]),
            < 98 => new CompactRequest(Math.Max(1, Etcd.State.Revision - _random.Next(5))),
            _ => new RangeRequest(Key(), Revision: Math.Max(1, Etcd.State.Revision - _random.Next(3))),
        };
    }

    private TxnRequest Txn()
    {
        var key = Key();
        var other = key == "key0" ? "key1" : "key0";
        Compare compare = _random.Next(4) switch
        {
            0 => Compare.ValueIs(key, CompareResult.Equal, "v" + _random.Next(Math.Max(1, _value))),
            1 => Compare.ModRevisionIs(key, (CompareResult)_random.Next(4), Etcd.State.Revision - _random.Next(3)),
            2 => Compare.VersionIs(key, (CompareResult)_random.Next(4), _random.Next(3)),
            _ => Compare.CreateRevisionIs(key, CompareResult.Equal, 0),
        };
        return new TxnRequest(
            [compare],
            [new TxnRange(key), new TxnPut(key, Value())],
            _random.Next(2) == 0 ? [new TxnRange(other)] : [new TxnRange(other), new TxnDelete(other)]);
    }
}
