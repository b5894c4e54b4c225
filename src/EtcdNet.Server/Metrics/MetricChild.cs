namespace EtcdNet.Server.Metrics;

/// <summary>One labelled series of a family (a counter, gauge or histogram); its label text is rendered once.</summary>
public abstract class MetricChild
{
    protected MetricChild(string labels) => Labels = labels;

    /// <summary>The rendered label pairs (name="value",...), empty for an unlabelled metric.</summary>
    public string Labels { get; }

    internal abstract void WriteTo(ExpositionWriter writer, string name);
}
