using System.Collections.Concurrent;

namespace EtcdNet.Server.Metrics;

/// <summary>
/// A family of counters, gauges or histograms that differ by label values. Look children up once and keep them on
/// hot paths; <see cref="WithLabels"/> allocates the lookup key.
/// </summary>
public sealed class LabelledFamily<TChild> : MetricFamily where TChild : MetricChild
{
    private readonly ConcurrentDictionary<string, TChild> _children = new(StringComparer.Ordinal);
    private readonly Func<string, TChild> _create;

    public LabelledFamily(string name, string help, MetricType type, IReadOnlyList<string> labelNames, Func<string, TChild> create)
        : base(name, help, type, labelNames)
    {
        _create = create;
    }

    /// <summary>The child for these label values (in <see cref="MetricFamily.LabelNames"/> order), created on first use.</summary>
    public TChild WithLabels(params string[] values)
    {
        var labels = ExpositionWriter.RenderLabels(LabelNames, values);
        return _children.GetOrAdd(labels, _create);
    }

    protected override void WriteSamples(ExpositionWriter writer)
    {
        foreach (var child in _children.Values.OrderBy(c => c.Labels, StringComparer.Ordinal))
        {
            child.WriteTo(writer, Name);
        }
    }
}
