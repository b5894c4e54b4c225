namespace EtcdNet.Server.Metrics;

/// <summary>
/// The metrics one member exposes on /metrics. Each member has its own (tests run several in one process);
/// families are written sorted by name, as Prometheus' Go client writes them.
/// </summary>
public sealed class MetricRegistry
{
    private readonly Dictionary<string, MetricFamily> _families = new(StringComparer.Ordinal);

    public T Register<T>(T family) where T : MetricFamily
    {
        lock (_families)
        {
            if (!_families.TryAdd(family.Name, family))
            {
                throw new InvalidOperationException($"metric {family.Name} is already registered");
            }
        }
        return family;
    }

    public Counter Counter(string name, string help) => CounterFamily(name, help).WithLabels();

    public Gauge Gauge(string name, string help) => GaugeFamily(name, help).WithLabels();

    public Histogram Histogram(string name, string help, IReadOnlyList<double> buckets) => HistogramFamily(name, help, buckets).WithLabels();

    public LabelledFamily<Counter> CounterFamily(string name, string help, params string[] labelNames) =>
        Register(new LabelledFamily<Counter>(name, help, MetricType.Counter, labelNames, labels => new Counter(labels)));

    public LabelledFamily<Gauge> GaugeFamily(string name, string help, params string[] labelNames) =>
        Register(new LabelledFamily<Gauge>(name, help, MetricType.Gauge, labelNames, labels => new Gauge(labels)));

    public LabelledFamily<Histogram> HistogramFamily(string name, string help, IReadOnlyList<double> buckets, params string[] labelNames) =>
        Register(new LabelledFamily<Histogram>(name, help, MetricType.Histogram, labelNames, labels => new Histogram(buckets, labels)));

    /// <summary>An unlabelled gauge read at scrape time.</summary>
    public CallbackFamily GaugeFunc(string name, string help, Func<double> read) =>
        Register(new CallbackFamily(name, help, MetricType.Gauge, [], () => [([], read())]));

    /// <summary>An unlabelled counter read at scrape time.</summary>
    public CallbackFamily CounterFunc(string name, string help, Func<double> read) =>
        Register(new CallbackFamily(name, help, MetricType.Counter, [], () => [([], read())]));

    /// <summary>Writes every family in the text exposition format.</summary>
    public string Expose()
    {
        MetricFamily[] families;
        lock (_families)
        {
            families = _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal).ToArray();
        }
        var writer = new ExpositionWriter();
        foreach (var family in families)
        {
            family.WriteTo(writer);
        }
        return writer.ToString();
    }
}
