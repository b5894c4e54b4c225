using System.Diagnostics;
using System.Text;
using EtcdNet.Robustness.History;
using EtcdNet.Robustness.Model;

namespace EtcdNet.Robustness.Checker;

/// <summary>
/// Checks a KV history for linearizability against <see cref="EtcdModel"/> with Wing &amp; Gong's search as improved by
/// Lowe (and porcupine): operations sit in a list of call and return events ordered by time; the search linearizes
/// any operation whose call is ahead of the first pending return, and backtracks when it reaches a return it could not
/// place. Pairs of (linearized set, model state) already explored are memoised, which bounds the search by the number
/// of distinct states rather than orders. etcd's model cannot be partitioned by key (every write moves the one global
/// revision), so the whole history is one search, bounded by a time limit that yields <see cref="CheckOutcome.Unknown"/>.
/// Serializable Ranges and reads with an unknown outcome are left out (check serializable reads with
/// <see cref="ReadCheck"/>); writes with an unknown outcome may be placed anywhere after their call, or not at all.
/// </summary>
public static class LinearizabilityChecker
{
    /// <summary>The time limit used when none is given.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Whether the checker takes <paramref name="op"/> into its search.</summary>
    public static bool IsChecked(Operation op) =>
        !(op.Request is RangeRequest { Serializable: true }) && (op.Response is not null || op.Request.IsWrite);

    /// <summary>Checks <paramref name="operations"/> starting from <paramref name="initial"/> (an empty store at revision 1 by default).</summary>
    public static LinearizabilityResult Check(IReadOnlyList<Operation> operations, EtcdState? initial = null, TimeSpan? timeout = null, CancellationToken cancel = default)
    {
        var watch = Stopwatch.StartNew();
        var ops = operations.Where(IsChecked).ToArray();
        var search = new Search(ops, initial ?? EtcdState.Empty(), timeout ?? DefaultTimeout, cancel);
        var outcome = search.Run();
        watch.Stop();
        return outcome switch
        {
            CheckOutcome.Ok => new LinearizabilityResult(CheckOutcome.Ok, search.Linearized().Select(i => ops[i]).ToList(), [], "", null, ops.Length, search.Steps, watch.Elapsed),
            CheckOutcome.Unknown => new LinearizabilityResult(CheckOutcome.Unknown, [], [], $"gave up after {watch.Elapsed.TotalSeconds:F1}s and {search.Steps} steps (time limit {(timeout ?? DefaultTimeout).TotalSeconds}s)", null, ops.Length, search.Steps, watch.Elapsed),
            _ => Explain(ops, search, initial ?? EtcdState.Empty(), timeout ?? DefaultTimeout, cancel, watch),
        };
    }

    private static LinearizabilityResult Explain(Operation[] ops, Search search, EtcdState initial, TimeSpan timeout, CancellationToken cancel, Stopwatch watch)
    {
        // The revision pruning cuts a wrong path short, often before the operation that makes it wrong; a search without
        // it (given a few seconds) goes as deep as the model allows, which makes a much clearer explanation.
        var unpruned = new Search(ops, initial, TimeSpan.FromTicks(Math.Min(timeout.Ticks, TimeSpan.FromSeconds(5).Ticks)), cancel, prune: false);
        if (unpruned.Run() == CheckOutcome.Violation && unpruned.DeepestPrefix.Length >= search.DeepestPrefix.Length)
        {
            search = unpruned;
        }
        var elapsed = watch.Elapsed;
        var prefix = search.DeepestPrefix.Select(i => ops[i]).ToList();
        var state = initial;
        foreach (var op in prefix)
        {
            state = EtcdModel.Step(state, op.Request, op.Response) ?? throw new InvalidOperationException($"prefix does not replay at {op}");
        }
        var linearized = new HashSet<int>(search.DeepestPrefix);
        // After the prefix, the candidates were the operations called before the earliest return still pending.
        var pending = Enumerable.Range(0, ops.Length).Where(i => !linearized.Contains(i)).ToList();
        var firstReturn = pending.Where(i => !ops[i].IsUnknown).MinBy(i => ops[i].ReturnNanos);
        var candidates = pending.Where(i => ops[i].CallNanos <= ops[firstReturn].ReturnNanos).OrderBy(i => i == firstReturn ? 0 : 1).ThenBy(i => ops[i].CallNanos).ToList();

        var text = new StringBuilder();
        text.Append("no linearization: the longest linearizable prefix has ").Append(prefix.Count).Append(" of ").Append(ops.Length).AppendLine(" operations;");
        foreach (var op in prefix.TakeLast(3))
        {
            text.Append("  ... ").AppendLine(op.ToString());
        }
        text.Append("  state after it: ").AppendLine(state.ToString());
        var failed = new List<Operation>();
        foreach (var i in candidates)
        {
            var trace = new StepTrace();
            if (EtcdModel.Step(state, ops[i].Request, ops[i].Response, trace) is null)
            {
                failed.Add(ops[i]);
                text.Append(i == firstReturn ? "  cannot linearize (must return first): " : "  cannot linearize: ").AppendLine(ops[i].ToString());
                text.Append("    because ").AppendLine(trace.Reason);
            }
        }
        if (failed.Count == 0 || failed[0] != ops[firstReturn])
        {
            // Every next step was possible but each one led to a dead end further on: name the operation that was stuck.
            failed.Insert(0, ops[firstReturn]);
            text.Append("  every order of the operations concurrent with ").Append(ops[firstReturn]).AppendLine(" leads to a dead end later");
        }
        return new LinearizabilityResult(CheckOutcome.Violation, prefix, failed, text.ToString().TrimEnd(), state, ops.Length, search.Steps, elapsed);
    }

    /// <summary>One WGL search over call/return entries in a doubly linked list, with memoised (bitset, state) pairs.</summary>
    private sealed class Search
    {
        private const int Head = 0;
        private readonly Operation[] _ops;
        private readonly EtcdState _initial;
        private readonly TimeSpan _timeout;
        private readonly CancellationToken _cancel;
        // Entries 1..2n: entry e belongs to operation _entryOp[e], and is its call when _isCall[e].
        private readonly int[] _next;
        private readonly int[] _prev;
        private readonly int[] _entryOp;
        private readonly bool[] _isCall;
        private readonly int[] _returnOf;
        private readonly ulong[] _zobrist;
        private readonly ulong[] _bits;
        private readonly HashSet<Memo> _seen = new(MemoComparer.Instance);
        private readonly List<(int Entry, EtcdState State)> _calls = [];
        // The highest store revision at which each known operation can still be linearized (its answer's revision,
        // one less for a write that moved the revision), and those of the operations not yet linearized, lowest first.
        private readonly long[] _ceilings;
        private readonly SortedSet<(long Ceiling, int Op)> _pending = [];
        private readonly bool _prune;
        private ulong _bitsHash;

        public Search(Operation[] ops, EtcdState initial, TimeSpan timeout, CancellationToken cancel, bool prune = true)
        {
            _prune = prune;
            _ops = ops;
            _initial = initial;
            _timeout = timeout;
            _cancel = cancel;
            var n = ops.Length;
            var entries = new List<(long Time, bool IsCall, int Op)>(2 * n);
            for (var i = 0; i < n; i++)
            {
                entries.Add((ops[i].CallNanos, true, i));
                entries.Add((ops[i].IsUnknown ? long.MaxValue : ops[i].ReturnNanos, false, i));
            }
            // Ties put calls first: operations that touch at one instant count as concurrent (as porcupine does).
            entries.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : b.IsCall.CompareTo(a.IsCall));
            _next = new int[2 * n + 2];
            _prev = new int[2 * n + 2];
            _entryOp = new int[2 * n + 2];
            _isCall = new bool[2 * n + 2];
            _returnOf = new int[n];
            var callEntry = new int[n];
            for (var e = 1; e <= 2 * n; e++)
            {
                var (_, isCall, op) = entries[e - 1];
                _entryOp[e] = op;
                _isCall[e] = isCall;
                if (isCall)
                {
                    callEntry[op] = e;
                }
                else
                {
                    _returnOf[op] = e;
                }
            }
            for (var e = 0; e <= 2 * n; e++)
            {
                _next[e] = e + 1 <= 2 * n ? e + 1 : -1;
                _prev[e] = e - 1;
            }
            var random = new Random(20240601);
            _zobrist = new ulong[n];
            for (var i = 0; i < n; i++)
            {
                _zobrist[i] = (ulong)random.NextInt64() ^ ((ulong)random.NextInt64() << 1);
            }
            _bits = new ulong[(n + 63) / 64];
            foreach (var op in ops)
            {
                if (op.CallNanos > op.ReturnNanos)
                {
                    throw new ArgumentException($"{op} returns before it is called", nameof(ops));
                }
            }
            KnownRemaining = ops.Count(op => !op.IsUnknown);
            _ceilings = ops.Select(Ceiling).ToArray();
            for (var i = 0; i < n; i++)
            {
                if (_ceilings[i] != long.MaxValue)
                {
                    _pending.Add((_ceilings[i], i));
                }
            }
        }

        private static long Ceiling(Operation op) => (op.Request, op.Response) switch
        {
            (_, null or ErrorResponse) => long.MaxValue,
            (PutRequest, PutResponse r) => r.Revision - 1,
            (DeleteRequest, DeleteResponse { Deleted: > 0 } r) => r.Revision - 1,
            (TxnRequest t, TxnResponse r) when (r.Succeeded ? t.Success : t.Failure).Any(o => o is TxnPut) => r.Revision - 1,
            (_, var r) => r.Revision,
        };

        public long Steps { get; private set; }

        public int KnownRemaining { get; private set; }

        public int[] DeepestPrefix { get; private set; } = [];

        public IEnumerable<int> Linearized() => _calls.Select(c => _entryOp[c.Entry]);

        public CheckOutcome Run()
        {
            var deadline = Stopwatch.GetTimestamp() + (long)(_timeout.TotalSeconds * Stopwatch.Frequency);
            var state = _initial;
            var entry = _next[Head];
            while (KnownRemaining > 0)
            {
                if ((Steps++ & 0x3FF) == 0 && (Stopwatch.GetTimestamp() > deadline || _cancel.IsCancellationRequested))
                {
                    return CheckOutcome.Unknown;
                }
                if (entry != -1 && _isCall[entry])
                {
                    var op = _entryOp[entry];
                    var next = EtcdModel.Step(state, _ops[op].Request, _ops[op].Response);
                    // An unknown write that changes nothing here is never needed here: leaving it pending keeps every option.
                    var useful = next is not null && !(_ops[op].IsUnknown && next.Equals(state));
                    if (useful && _ceilings[op] != long.MaxValue)
                    {
                        _pending.Remove((_ceilings[op], op));
                    }
                    // Revisions only grow: once past the revision some pending known operation answered with, it can never fit.
                    if (_prune && useful && _pending.Count > 0 && next!.Revision > _pending.Min.Ceiling)
                    {
                        useful = false;
                    }
                    if (useful && Remember(op, next!))
                    {
                        _calls.Add((entry, state));
                        state = next!;
                        Lift(entry);
                        if (!_ops[op].IsUnknown)
                        {
                            KnownRemaining--;
                        }
                        if (_calls.Count > DeepestPrefix.Length)
                        {
                            DeepestPrefix = Linearized().ToArray();
                        }
                        entry = _next[Head];
                        continue;
                    }
                    if (next is not null && _ceilings[op] != long.MaxValue)
                    {
                        _pending.Add((_ceilings[op], op));
                    }
                    entry = _next[entry];
                    continue;
                }
                // A return of an operation not yet linearized: undo the last choice and try the next candidate.
                if (_calls.Count == 0)
                {
                    return CheckOutcome.Violation;
                }
                var (top, before) = _calls[^1];
                _calls.RemoveAt(_calls.Count - 1);
                var undone = _entryOp[top];
                Flip(undone);
                Unlift(top);
                if (!_ops[undone].IsUnknown)
                {
                    KnownRemaining++;
                }
                if (_ceilings[undone] != long.MaxValue)
                {
                    _pending.Add((_ceilings[undone], undone));
                }
                state = before;
                entry = _next[top];
            }
            return CheckOutcome.Ok;
        }

        private bool Remember(int op, EtcdState state)
        {
            Flip(op);
            if (_seen.Add(new Memo((ulong[])_bits.Clone(), _bitsHash, state)))
            {
                return true;
            }
            Flip(op);
            return false;
        }

        private void Flip(int op)
        {
            _bits[op >> 6] ^= 1UL << (op & 63);
            _bitsHash ^= _zobrist[op];
        }

        private void Lift(int call)
        {
            Unlink(call);
            Unlink(_returnOf[_entryOp[call]]);
        }

        private void Unlift(int call)
        {
            Relink(_returnOf[_entryOp[call]]);
            Relink(call);
        }

        private void Unlink(int e)
        {
            _next[_prev[e]] = _next[e];
            if (_next[e] != -1)
            {
                _prev[_next[e]] = _prev[e];
            }
        }

        private void Relink(int e)
        {
            _next[_prev[e]] = e;
            if (_next[e] != -1)
            {
                _prev[_next[e]] = e;
            }
        }
    }

    private readonly record struct Memo(ulong[] Bits, ulong BitsHash, EtcdState State);

    private sealed class MemoComparer : IEqualityComparer<Memo>
    {
        public static readonly MemoComparer Instance = new();

        public bool Equals(Memo x, Memo y) =>
            x.BitsHash == y.BitsHash && x.Bits.AsSpan().SequenceEqual(y.Bits) && x.State.Equals(y.State);

        public int GetHashCode(Memo memo) => HashCode.Combine(memo.BitsHash, memo.State.GetHashCode());
    }
}
