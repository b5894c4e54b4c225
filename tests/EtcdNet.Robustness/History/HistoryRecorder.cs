using System.Diagnostics;

namespace EtcdNet.Robustness.History;

/// <summary>
/// Records client-observed operations and watches from many threads at once. Times are monotonic nanoseconds since the
/// recorder was created. Call <see cref="Call"/> just before sending a request and <see cref="Return"/> (or
/// <see cref="Fail"/> when the outcome is unknown) right after the answer; calls still open at <see cref="Build"/>
/// become unknown.
/// </summary>
public sealed class HistoryRecorder
{
    private readonly object _gate = new();
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly List<Operation?> _operations = [];
    private readonly Dictionary<int, (int ClientId, long CallNanos, Request Request)> _pending = [];
    private readonly List<WatchRecorder> _watches = [];

    /// <summary>Monotonic nanoseconds since the recorder was created.</summary>
    public long Now() => (long)((Stopwatch.GetTimestamp() - _start) * (1_000_000_000.0 / Stopwatch.Frequency));

    /// <summary>Notes that <paramref name="clientId"/> is about to send <paramref name="request"/>; returns the operation id.</summary>
    public int Call(int clientId, Request request)
    {
        lock (_gate)
        {
            var id = _operations.Count;
            _operations.Add(null);
            _pending[id] = (clientId, Now(), request);
            return id;
        }
    }

    /// <summary>Records the answer (a response or a definite <see cref="ErrorResponse"/>) to operation <paramref name="id"/>.</summary>
    public void Return(int id, Response response) => Complete(id, response, null);

    /// <summary>Records that operation <paramref name="id"/> ended without a known outcome (timeout, connection lost, ...).</summary>
    public void Fail(int id, string error) => Complete(id, null, error);

    /// <summary>Adds a whole operation at once (for replays and tests); returns its id.</summary>
    public int Add(int clientId, long callNanos, long returnNanos, Request request, Response? response, string? error = null)
    {
        lock (_gate)
        {
            var id = _operations.Count;
            _operations.Add(new Operation(id, clientId, callNanos, response is null ? Operation.Infinity : returnNanos, request, response, error));
            return id;
        }
    }

    /// <summary>Starts recording a watch opened on <paramref name="member"/>.</summary>
    public WatchRecorder OpenWatch(string member, int clientId, WatchRequest request)
    {
        lock (_gate)
        {
            var watch = new WatchRecorder(this, _watches.Count, member, clientId, Now(), request);
            _watches.Add(watch);
            return watch;
        }
    }

    /// <summary>A snapshot of everything recorded so far; operations still in flight are unknown.</summary>
    public RecordedHistory Build(long seed, string scenario, IReadOnlyList<MemberState>? finalStates = null)
    {
        lock (_gate)
        {
            var operations = new List<Operation>(_operations.Count);
            for (var id = 0; id < _operations.Count; id++)
            {
                if (_operations[id] is { } done)
                {
                    operations.Add(done);
                }
                else if (_pending.TryGetValue(id, out var p))
                {
                    operations.Add(new Operation(id, p.ClientId, p.CallNanos, Operation.Infinity, p.Request, null, "still in flight when the run ended"));
                }
            }
            var watches = _watches.Select(w => w.Snapshot()).ToList();
            return new RecordedHistory(seed, scenario, operations, watches, finalStates);
        }
    }

    private void Complete(int id, Response? response, string? error)
    {
        var now = Now();
        lock (_gate)
        {
            if (!_pending.Remove(id, out var p))
            {
                throw new InvalidOperationException($"operation {id} is not in flight");
            }
            _operations[id] = new Operation(id, p.ClientId, p.CallNanos, response is null ? Operation.Infinity : now, p.Request, response, error);
        }
    }
}
