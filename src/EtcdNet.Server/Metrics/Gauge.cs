namespace EtcdNet.Server.Metrics;

/// <summary>A value that goes up and down; stored as double bits so updates stay lock-free.</summary>
public sealed class Gauge : MetricChild
{
    private long _bits;

    public Gauge(string labels = "") : base(labels)
    {
    }

    public double Value => BitConverter.Int64BitsToDouble(Interlocked.Read(ref _bits));

    public void Set(double value) => Interlocked.Exchange(ref _bits, BitConverter.DoubleToInt64Bits(value));

    public void Inc() => Add(1);

    public void Dec() => Add(-1);

    public void Add(double delta) => AtomicDouble.Add(ref _bits, delta);

    internal override void WriteTo(ExpositionWriter writer, string name) => writer.WriteSample(name, null, Labels, Value);
}
