using EtcdNet.Grpc;
using EtcdNet.Server.Metrics;

namespace EtcdNet.Server.Tests.Metrics;

/// <summary>grpc_server_* series with go-grpc-prometheus' labels, pre-registered as etcd exposes them.</summary>
public sealed class GrpcServerMetricsTests
{
    private static readonly Method Put = new("etcdserverpb.KV", "Put", MethodType.Unary);
    private static readonly Method Watch = new("etcdserverpb.Watch", "Watch", MethodType.DuplexStreaming);

    [Fact]
    public void Initialize_RegisteredMethods_ExposesZeroSeriesForEveryCode()
    {
        var registry = new MetricRegistry();
        var metrics = new GrpcServerMetrics(registry, handlingHistogram: false);
        metrics.Initialize([Put, Watch]);

        var text = registry.Expose();
        Assert.Contains("grpc_server_started_total{grpc_method=\"Put\",grpc_service=\"etcdserverpb.KV\",grpc_type=\"unary\"} 0\n", text);
        Assert.Contains("grpc_server_started_total{grpc_method=\"Watch\",grpc_service=\"etcdserverpb.Watch\",grpc_type=\"bidi_stream\"} 0\n", text);
        Assert.Contains("grpc_server_handled_total{grpc_code=\"Canceled\",grpc_method=\"Put\",grpc_service=\"etcdserverpb.KV\",grpc_type=\"unary\"} 0\n", text);
        Assert.Equal(17, text.Split('\n').Count(l => l.StartsWith("grpc_server_handled_total{", StringComparison.Ordinal) && l.Contains("grpc_method=\"Put\"", StringComparison.Ordinal)));
        Assert.DoesNotContain("grpc_server_handling_seconds", text);
    }

    [Fact]
    public void OnHandled_Code_CountsUnderGrpcGoName()
    {
        var registry = new MetricRegistry();
        var metrics = new GrpcServerMetrics(registry, handlingHistogram: true);
        metrics.OnStarted(Put);
        metrics.OnMessageReceived(Put, 10);
        metrics.OnMessageSent(Put, 30);
        metrics.OnHandled(Put, StatusCode.OK, TimeSpan.FromMilliseconds(3));
        metrics.OnStarted(Put);
        metrics.OnHandled(Put, StatusCode.ResourceExhausted, TimeSpan.FromMilliseconds(20));

        var text = registry.Expose();
        const string labels = "grpc_method=\"Put\",grpc_service=\"etcdserverpb.KV\",grpc_type=\"unary\"";
        Assert.Contains($"grpc_server_started_total{{{labels}}} 2\n", text);
        Assert.Contains($"grpc_server_handled_total{{grpc_code=\"OK\",{labels}}} 1\n", text);
        Assert.Contains($"grpc_server_handled_total{{grpc_code=\"ResourceExhausted\",{labels}}} 1\n", text);
        Assert.Contains($"grpc_server_msg_received_total{{{labels}}} 1\n", text);
        Assert.Contains($"grpc_server_msg_sent_total{{{labels}}} 1\n", text);
        Assert.Contains($"grpc_server_handling_seconds_bucket{{{labels},le=\"0.005\"}} 1\n", text);
        Assert.Contains($"grpc_server_handling_seconds_bucket{{{labels},le=\"0.025\"}} 2\n", text);
        Assert.Contains("etcd_network_client_grpc_received_bytes_total 10\n", text);
        Assert.Contains("etcd_network_client_grpc_sent_bytes_total 30\n", text);
    }

    [Theory]
    [InlineData(MethodType.Unary, "unary")]
    [InlineData(MethodType.ServerStreaming, "server_stream")]
    [InlineData(MethodType.ClientStreaming, "client_stream")]
    [InlineData(MethodType.DuplexStreaming, "bidi_stream")]
    public void TypeLabel_MethodType_IsGoGrpcPrometheusName(MethodType type, string expected) =>
        Assert.Equal(expected, GrpcServerMetrics.TypeLabel(type));

    [Fact]
    public void CodeLabel_Cancelled_IsSpelledAsGrpcGo() => Assert.Equal("Canceled", GrpcServerMetrics.CodeLabel(StatusCode.Cancelled));
}
