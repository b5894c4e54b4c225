using EtcdNet.Robustness.History;
using EtcdNet.Robustness.Model;

namespace EtcdNet.Robustness.Tests;

/// <summary>
/// A sequential etcd for the self-tests: answers requests one at a time the way etcd would, so histories built from
/// its answers are linearizable by construction. Every answer is cross-checked against <see cref="EtcdModel"/>.
/// </summary>
internal sealed class SequentialEtcd
{
    private readonly List<EtcdState> _byRevision = [];
    private long _nextLease = 0x100;

    public SequentialEtcd()
    {
        State = EtcdState.Empty();
        _byRevision.Add(State);
    }

    public EtcdState State { get; private set; }

    public Response Answer(Request request)
    {
        var response = Compute(request);
        var next = EtcdModel.Step(State, request, response, new StepTrace())
            ?? throw new InvalidOperationException($"the model rejects the sequential answer {response} to {request} at {State}");
        if (next.Revision != State.Revision)
        {
            _byRevision.Add(next);
        }
        else
        {
            _byRevision[^1] = next;
        }
        State = next;
        return response;
    }

    private Response Compute(Request request)
    {
        var state = State;
        switch (request)
        {
            case RangeRequest range:
            {
                if (range.Revision > state.Revision)
                {
                    return new ErrorResponse(ModelErrors.FutureRevision, state.Revision);
                }
                if (range.Revision > 0 && range.Revision < state.CompactRevision)
                {
                    return new ErrorResponse(ModelErrors.Compacted, state.Revision);
                }
                var at = range.Revision > 0 ? _byRevision[(int)(range.Revision - 1)] : state;
                var (kvs, count, more) = EtcdModel.Evaluate(at, range.Key, range.RangeEnd, range.Limit);
                return new RangeResponse(state.Revision, kvs, count, more);
            }
            case PutRequest put:
                return put.Lease != 0 && !state.Leases.Contains(put.Lease)
                    ? new ErrorResponse(ModelErrors.LeaseNotFound)
                    : new PutResponse(Apply(request).Revision);
            case DeleteRequest delete:
            {
                var count = state.Range(delete.Key, delete.RangeEnd).Count();
                return new DeleteResponse(Apply(request).Revision, count);
            }
            case TxnRequest txn:
            {
                var succeeded = txn.Compares.All(c => EtcdModel.Holds(state, c));
                var ops = succeeded ? txn.Success : txn.Failure;
                if (ops.OfType<TxnPut>().Any(p => p.Lease != 0 && !state.Leases.Contains(p.Lease)))
                {
                    return new ErrorResponse(ModelErrors.LeaseNotFound);
                }
                // Generated txns read before they write and write distinct keys, so every result is computed on the state before.
                var results = ops.Select(op => op switch
                {
                    TxnRange r => (TxnOpResult)ToResult(EtcdModel.Evaluate(state, r.Key, r.RangeEnd, r.Limit)),
                    TxnPut => new TxnPutResult(),
                    TxnDelete d => new TxnDeleteResult(state.Range(d.Key, d.RangeEnd).Count()),
                    _ => throw new InvalidOperationException(),
                }).ToList();
                return new TxnResponse(Apply(request).Revision, succeeded, results);
            }
            case LeaseGrantRequest:
                return new LeaseGrantResponse(state.Revision, _nextLease++, 60);
            case LeaseRevokeRequest revoke:
                return state.Leases.Contains(revoke.Id) ? new LeaseRevokeResponse(Apply(request).Revision) : new ErrorResponse(ModelErrors.LeaseNotFound);
            case CompactRequest compact:
                if (compact.Revision <= state.CompactRevision)
                {
                    return new ErrorResponse(ModelErrors.Compacted);
                }
                return compact.Revision > state.Revision ? new ErrorResponse(ModelErrors.FutureRevision) : new CompactResponse(state.Revision);
            default:
                throw new ArgumentException(request.ToString());
        }
    }

    private static TxnRangeResult ToResult((List<KeyValue> Kvs, long Count, bool More) r) => new(r.Kvs, r.Count, r.More);

    private EtcdState Apply(Request request) => EtcdModel.Step(State, request, null)!;
}
