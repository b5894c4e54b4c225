namespace EtcdNet.Server.Metrics;

/// <summary>The metric types of the Prometheus text format that the registry exposes.</summary>
public enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}
