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

    /// <summary>Writes the header and every sample of this family.</summary>
    internal void WriteTo(ExpositionWriter writer)
    {
        writer.WriteHeader(Name, Help, Type);
        WriteSamples(writer);
    }

    protected abstract void WriteSamples(ExpositionWriter writer);
}
