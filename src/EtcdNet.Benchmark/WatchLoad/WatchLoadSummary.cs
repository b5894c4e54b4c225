using System.Globalization;
using System.Text;

namespace EtcdNet.Benchmark.WatchLoad;

/// <summary>The outcome of a watch-load run: delivery latencies (in <see cref="Latency"/>) and the delivery faults counted.</summary>
public sealed record WatchLoadSummary(
    Report Latency,
    int Watchers,
    long PutsAcknowledged,
    long PutsFailed,
    long EventsExpected,
    long EventsReceived,
    long Missed,
    long Duplicated,
    long OutOfOrder,
    long WatchErrors,
    int WatchersWithFaults)
{
    /// <summary>True when every expected event arrived once and in order, and nothing failed.</summary>
    public bool Clean => Missed == 0 && Duplicated == 0 && OutOfOrder == 0 && WatchErrors == 0 && PutsFailed == 0;

    /// <summary>etcd-benchmark-style latency report, then the delivery counts, then one greppable line.</summary>
    public string Format(bool precise)
    {
        var s = new StringBuilder();
        s.Append(Latency.Format(precise));
        s.Append("\nWatch delivery:\n");
        s.Append(CultureInfo.InvariantCulture, $"  Puts:\t{PutsAcknowledged} acknowledged, {PutsFailed} failed\n");
        s.Append(CultureInfo.InvariantCulture, $"  Events:\t{EventsReceived} received, {EventsExpected} expected\n");
        s.Append(CultureInfo.InvariantCulture, $"  Missed:\t{Missed}\n");
        s.Append(CultureInfo.InvariantCulture, $"  Duplicated:\t{Duplicated}\n");
        s.Append(CultureInfo.InvariantCulture, $"  Out of order:\t{OutOfOrder}\n");
        s.Append(CultureInfo.InvariantCulture, $"  Watchers with faults:\t{WatchersWithFaults} of {Watchers}\n");
        s.Append(CultureInfo.InvariantCulture,
            $"\nwatch-load: watchers={Watchers} puts={PutsAcknowledged} put-errors={PutsFailed} expected={EventsExpected} received={EventsReceived} missed={Missed} duplicated={Duplicated} out-of-order={OutOfOrder} watch-errors={WatchErrors}\n");
        return s.ToString();
    }
}
