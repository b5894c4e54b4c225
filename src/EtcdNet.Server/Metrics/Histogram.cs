namespace EtcdNet.Server.Metrics;

/// <summary>
/// Observations counted into fixed buckets (upper bounds, inclusive), exposed cumulatively as _bucket{le=...} with a
/// final le="+Inf", plus _sum and _count. Observing is one Interlocked increment and one CAS on the sum.
/// </summary>
public sealed class Histogram : MetricChild
{
    private readonly double[] _bounds;
    private readonly string[] _boundTexts;
    private readonly long[] _counts;
    private long _sumBits;

    public Histogram(IReadOnlyList<double> bounds, string labels = "") : base(labels)
    {
        for (var i = 1; i < bounds.Count; i++)
        {
            if (bounds[i] <= bounds[i - 1]) throw new ArgumentException("histogram buckets must be in increasing order", nameof(bounds));
        }
        _bounds = bounds.Where(b => !double.IsPositiveInfinity(b)).ToArray();
        _boundTexts = _bounds.Select(PromFloat.Format).ToArray();
        _counts = new long[_bounds.Length + 1];
    }

    /// <summary>etcd's and Prometheus' ExponentialBuckets(start, factor, count).</summary>
    public static double[] ExponentialBuckets(double start, double factor, int count)
    {
        var buckets = new double[count];
        for (var i = 0; i < count; i++)
        {
            buckets[i] = start;
            start *= factor;
        }
        return buckets;
    }

    /// <summary>Prometheus' DefBuckets, used by grpc_server_handling_seconds.</summary>
    public static readonly IReadOnlyList<double> DefaultBuckets = [.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10];

    public long Count
    {
        get
        {
            long total = 0;
            foreach (ref var c in _counts.AsSpan()) total += Volatile.Read(ref c);
            return total;
        }
    }

    public double Sum => BitConverter.Int64BitsToDouble(Interlocked.Read(ref _sumBits));

    public void Observe(double value)
    {
        var i = Array.BinarySearch(_bounds, value);
        if (i < 0) i = ~i;
        Interlocked.Increment(ref _counts[i]);
        AtomicDouble.Add(ref _sumBits, value);
    }

    public void Observe(TimeSpan elapsed) => Observe(elapsed.TotalSeconds);

    internal override void WriteTo(ExpositionWriter writer, string name)
    {
        long cumulative = 0;
        for (var i = 0; i < _bounds.Length; i++)
        {
            cumulative += Volatile.Read(ref _counts[i]);
            writer.WriteSample(name, "_bucket", Labels, cumulative, _boundTexts[i]);
        }
        cumulative += Volatile.Read(ref _counts[^1]);
        writer.WriteSample(name, "_bucket", Labels, cumulative, "+Inf");
        writer.WriteSample(name, "_sum", Labels, Sum);
        writer.WriteSample(name, "_count", Labels, cumulative);
    }
}
