namespace EtcdNet.Server.Metrics;

/// <summary>A named metric with its help text, type and label names: what one HELP/TYPE block describes.</summary>
public abstract class MetricFamily
{
    protected MetricFamily(string name, string help, MetricType type, IReadOnlyList<string> labelNames)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Help = help;
        Type = type;
        LabelNames = labelNames;
    }

    public string Name { get; }

    public string Help { get; }

    public MetricType Type { get; }

    public IReadOnlyList<string> LabelNames { get; }

    /// <summary>Writes the header and every sample of this family; a family without samples (a labelled family no
    /// child of which exists yet) is left out entirely, as Prometheus' Go client leaves it out.</summary>
    internal void WriteTo(ExpositionWriter writer)
    {
        var samples = new ExpositionWriter();
        WriteSamples(samples);
        if (samples.IsEmpty) return;
        writer.WriteHeader(Name, Help, Type);
        writer.Append(samples);
    }

    protected abstract void WriteSamples(ExpositionWriter writer);
}
