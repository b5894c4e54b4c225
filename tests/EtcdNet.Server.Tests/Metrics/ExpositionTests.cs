using EtcdNet.Server.Metrics;

namespace EtcdNet.Server.Tests.Metrics;

/// <summary>The registry's text exposition (format 0.0.4): headers, escaping, value formatting, histograms.</summary>
public sealed class ExpositionTests
{
    [Fact]
    public void Expose_Counter_WritesHelpTypeAndSample()
    {
        var registry = new MetricRegistry();
        var counter = registry.Counter("etcd_server_leader_changes_seen_total", "The number of leader changes seen.");
        counter.Inc();
        counter.Add(2);

        Assert.Equal(
            "# HELP etcd_server_leader_changes_seen_total The number of leader changes seen.\n" +
            "# TYPE etcd_server_leader_changes_seen_total counter\n" +
            "etcd_server_leader_changes_seen_total 3\n",
            registry.Expose());
    }

    [Fact]
    public void Expose_HelpWithBackslashAndNewline_IsEscaped()
    {
        var registry = new MetricRegistry();
        registry.Gauge("g", "a \\ b\nc \"q\"").Set(1);

        Assert.StartsWith("# HELP g a \\\\ b\\nc \"q\"\n# TYPE g gauge\n", registry.Expose());
    }

    [Fact]
    public void Expose_LabelValueWithQuoteBackslashNewline_IsEscaped()
    {
        var registry = new MetricRegistry();
        registry.GaugeFamily("g", "help", "a", "b").WithLabels("x\"y", "p\\q\nr").Set(2);

        Assert.Contains("g{a=\"x\\\"y\",b=\"p\\\\q\\nr\"} 2\n", registry.Expose());
    }

    [Fact]
    public void Expose_Histogram_WritesCumulativeBucketsInfSumAndCount()
    {
        var registry = new MetricRegistry();
        var histogram = registry.Histogram("h_seconds", "help", [0.001, 0.002, 0.004]);
        histogram.Observe(0.0005);
        histogram.Observe(0.002);
        histogram.Observe(0.003);
        histogram.Observe(10);

        var text = registry.Expose();
        Assert.Contains("# TYPE h_seconds histogram\n", text);
        Assert.Contains(
            "h_seconds_bucket{le=\"0.001\"} 1\n" +
            "h_seconds_bucket{le=\"0.002\"} 2\n" +
            "h_seconds_bucket{le=\"0.004\"} 3\n" +
            "h_seconds_bucket{le=\"+Inf\"} 4\n" +
            "h_seconds_sum 10.0055\n" +
            "h_seconds_count 4\n", text);
    }

    [Fact]
    public void Expose_LabelledHistogram_PutsLeAfterTheFamilyLabels()
    {
        var registry = new MetricRegistry();
        registry.HistogramFamily("rtt", "help", [0.5], "To").WithLabels("8e9e05c52164694d").Observe(0.1);

        var text = registry.Expose();
        Assert.Contains("rtt_bucket{To=\"8e9e05c52164694d\",le=\"0.5\"} 1\n", text);
        Assert.Contains("rtt_bucket{To=\"8e9e05c52164694d\",le=\"+Inf\"} 1\n", text);
        Assert.Contains("rtt_count{To=\"8e9e05c52164694d\"} 1\n", text);
    }

    [Fact]
    public void ExponentialBuckets_EtcdDiskBuckets_StartAtOneMillisecondAndDouble()
    {
        var buckets = Histogram.ExponentialBuckets(0.001, 2, 14);

        Assert.Equal(14, buckets.Length);
        Assert.Equal(0.001, buckets[0]);
        Assert.Equal(8.192, buckets[^1], 12);
        Assert.Equal("8.192", PromFloat.Format(buckets[^1]));
    }

    [Theory]
    [InlineData(0d, "0")]
    [InlineData(1d, "1")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(123456d, "123456")]
    [InlineData(1048576d, "1.048576e+06")]
    [InlineData(2147483648d, "2.147483648e+09")]
    [InlineData(1e6, "1e+06")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(1.8446744073709552e19, "1.8446744073709552e+19")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NaN, "NaN")]
    public void Format_Value_MatchesGoShortestG(double value, string expected) =>
        Assert.Equal(expected, PromFloat.Format(value));

    [Fact]
    public void Expose_Families_AreSortedByNameAndChildrenByLabels()
    {
        var registry = new MetricRegistry();
        var family = registry.CounterFamily("b_total", "help", "k");
        family.WithLabels("z").Inc();
        family.WithLabels("a").Inc();
        registry.GaugeFunc("a_gauge", "help", () => 7);

        var text = registry.Expose();
        Assert.True(text.IndexOf("a_gauge 7", StringComparison.Ordinal) < text.IndexOf("b_total{k=\"a\"}", StringComparison.Ordinal));
        Assert.True(text.IndexOf("b_total{k=\"a\"} 1", StringComparison.Ordinal) < text.IndexOf("b_total{k=\"z\"} 1", StringComparison.Ordinal));
    }

    [Fact]
    public void Register_SameNameTwice_Throws()
    {
        var registry = new MetricRegistry();
        registry.Counter("c_total", "help");

        Assert.Throws<InvalidOperationException>(() => registry.Gauge("c_total", "help"));
    }

    [Fact]
    public void WithLabels_WrongNumberOfValues_Throws()
    {
        var registry = new MetricRegistry();
        var family = registry.CounterFamily("c_total", "help", "a", "b");

        Assert.Throws<ArgumentException>(() => family.WithLabels("only-one"));
    }

    [Fact]
    public void Gauge_IncDecSet_TracksValue()
    {
        var gauge = new Gauge();
        gauge.Inc();
        gauge.Inc();
        gauge.Dec();
        Assert.Equal(1, gauge.Value);
        gauge.Set(0.25);
        Assert.Equal(0.25, gauge.Value);
    }

    [Fact]
    public void WithLabels_LabelsDeclaredOutOfOrder_AreWrittenSortedByName()
    {
        var registry = new MetricRegistry();
        registry.CounterFamily("c_total", "help", "grpc_type", "grpc_code").WithLabels("unary", "OK").Inc();

        Assert.Contains("c_total{grpc_code=\"OK\",grpc_type=\"unary\"} 1\n", registry.Expose());
    }

    [Fact]
    public void Expose_LabelledFamilyWithoutChildren_IsLeftOut()
    {
        var registry = new MetricRegistry();
        registry.HistogramFamily("etcd_network_peer_round_trip_time_seconds", "help", [0.1], "To");
        registry.Register(new CallbackFamily("peers_total", "help", MetricType.Counter, ["To"], () => []));
        registry.Gauge("g", "help");

        Assert.Equal("# HELP g help\n# TYPE g gauge\ng 0\n", registry.Expose());
    }
}
