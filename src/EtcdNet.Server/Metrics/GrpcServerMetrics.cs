using System.Collections.Concurrent;
using EtcdNet.Grpc;

namespace EtcdNet.Server.Metrics;

/// <summary>
/// The client gRPC metrics of go-grpc-prometheus as etcd registers them (grpc_server_*, labelled
/// grpc_type/grpc_service/grpc_method) plus etcd's etcd_network_client_grpc_*_bytes_total. Every registered method's
/// series exist from the start with 0, handled_total for every code, as go-grpc-prometheus pre-registers them.
/// </summary>
public sealed class GrpcServerMetrics : IGrpcCallObserver
{
    /// <summary>grpc-go's code names (note "Canceled"), indexed by code number.</summary>
    private static readonly string[] CodeNames =
    [
        "OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound", "AlreadyExists",
        "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted", "OutOfRange", "Unimplemented",
        "Internal", "Unavailable", "DataLoss", "Unauthenticated",
    ];

    private readonly ConcurrentDictionary<Method, MethodSeries> _methods = new(ReferenceEqualityComparer.Instance);
    private readonly LabelledFamily<Counter> _started;
    private readonly LabelledFamily<Counter> _handled;
    private readonly LabelledFamily<Counter> _received;
    private readonly LabelledFamily<Counter> _sent;
    private readonly LabelledFamily<Histogram>? _handling;
    private readonly Counter _sentBytes;
    private readonly Counter _receivedBytes;

    /// <param name="registry">Where the families are registered.</param>
    /// <param name="handlingHistogram">Whether to keep grpc_server_handling_seconds (etcd: only with --metrics=extensive).</param>
    public GrpcServerMetrics(MetricRegistry registry, bool handlingHistogram)
    {
        string[] labels = ["grpc_type", "grpc_service", "grpc_method"];
        _started = registry.CounterFamily("grpc_server_started_total", "Total number of RPCs started on the server.", labels);
        _handled = registry.CounterFamily("grpc_server_handled_total",
            "Total number of RPCs completed on the server, regardless of success or failure.", [.. labels, "grpc_code"]);
        _received = registry.CounterFamily("grpc_server_msg_received_total", "Total number of RPC stream messages received on the server.", labels);
        _sent = registry.CounterFamily("grpc_server_msg_sent_total", "Total number of gRPC stream messages sent by the server.", labels);
        if (handlingHistogram)
        {
            _handling = registry.HistogramFamily("grpc_server_handling_seconds",
                "Histogram of response latency (seconds) of gRPC that had been application-level handled by the server.",
                Histogram.DefaultBuckets, labels);
        }
        _sentBytes = registry.Counter("etcd_network_client_grpc_sent_bytes_total", "The total number of bytes sent to grpc clients.");
        _receivedBytes = registry.Counter("etcd_network_client_grpc_received_bytes_total", "The total number of bytes received from grpc clients.");
    }

    /// <summary>Creates the series of every method the client listeners serve, so they are exposed before their first call.</summary>
    public void Initialize(IEnumerable<Method> methods)
    {
        foreach (var method in methods) Series(method);
    }

    public static string TypeLabel(MethodType type) => type switch
    {
        MethodType.Unary => "unary",
        MethodType.ClientStreaming => "client_stream",
        MethodType.ServerStreaming => "server_stream",
        _ => "bidi_stream",
    };

    public static string CodeLabel(StatusCode code) => (int)code >= 0 && (int)code < CodeNames.Length ? CodeNames[(int)code] : $"Code({(int)code})";

    public void OnStarted(Method m) => Series(m).Started.Inc();

    public void OnHandled(Method m, StatusCode code, TimeSpan elapsed)
    {
        var series = Series(m);
        series.Handled(code).Inc();
        series.Handling?.Observe(elapsed);
    }

    public void OnMessageReceived(Method m, int bytes)
    {
        Series(m).Received.Inc();
        _receivedBytes.Add(bytes);
    }

    public void OnMessageSent(Method m, int bytes)
    {
        Series(m).Sent.Inc();
        _sentBytes.Add(bytes);
    }

    private MethodSeries Series(Method m) =>
        _methods.TryGetValue(m, out var series) ? series : _methods.GetOrAdd(m, method => new MethodSeries(this, method));

    /// <summary>One method's children, looked up once so a call costs a dictionary read and Interlocked increments.</summary>
    private sealed class MethodSeries
    {
        private readonly Counter[] _handledByCode;
        private readonly GrpcServerMetrics _owner;
        private readonly string[] _labels;

        public MethodSeries(GrpcServerMetrics owner, Method method)
        {
            _owner = owner;
            _labels = [TypeLabel(method.Type), method.Service, method.Name];
            Started = owner._started.WithLabels(_labels);
            Received = owner._received.WithLabels(_labels);
            Sent = owner._sent.WithLabels(_labels);
            Handling = owner._handling?.WithLabels(_labels);
            _handledByCode = CodeNames.Select(code => owner._handled.WithLabels([.. _labels, code])).ToArray();
        }

        public Counter Started { get; }
        public Counter Received { get; }
        public Counter Sent { get; }
        public Histogram? Handling { get; }

        public Counter Handled(StatusCode code) =>
            (int)code >= 0 && (int)code < _handledByCode.Length
                ? _handledByCode[(int)code]
                : _owner._handled.WithLabels([.. _labels, CodeLabel(code)]);
    }
}
