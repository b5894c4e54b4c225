namespace EtcdNet.Server.Metrics;

/// <summary>A monotonically increasing count; increments are a single Interlocked operation.</summary>
public sealed class Counter : MetricChild
{
    private long _value;

    public Counter(string labels = "") : base(labels)
    {
    }

    public long Value => Interlocked.Read(ref _value);

    public void Inc() => Interlocked.Increment(ref _value);

    public void Add(long amount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        Interlocked.Add(ref _value, amount);
    }

    internal override void WriteTo(ExpositionWriter writer, string name) => writer.WriteSample(name, null, Labels, Value);
}
