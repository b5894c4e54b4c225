namespace EtcdNet.Server.Metrics;

/// <summary>
/// A counter or gauge family whose samples are read at scrape time from state the server keeps anyway (sizes,
/// indexes, the transport's counters), so the hot path pays nothing for them.
/// </summary>
public sealed class CallbackFamily : MetricFamily
{
    private readonly Func<IEnumerable<(string[] Labels, double Value)>> _read;

    public CallbackFamily(string name, string help, MetricType type, IReadOnlyList<string> labelNames, Func<IEnumerable<(string[] Labels, double Value)>> read)
        : base(name, help, type, labelNames)
    {
        if (type == MetricType.Histogram) throw new ArgumentException("a callback family is a counter or a gauge", nameof(type));
        _read = read;
    }

    protected override void WriteSamples(ExpositionWriter writer)
    {
        var samples = _read()
            .Select(s => (Labels: ExpositionWriter.RenderLabels(LabelNames, s.Labels), s.Value))
            .OrderBy(s => s.Labels, StringComparer.Ordinal);
        foreach (var (labels, value) in samples)
        {
            writer.WriteSample(Name, null, labels, value);
        }
    }
}
