using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace EtcdNet.Benchmark;

/// <summary>Latencies and errors of one run, summarised the way etcd's benchmark prints them.</summary>
public sealed class Report
{
    /// <summary>The percentiles etcd's benchmark lists under "Latency distribution".</summary>
    public static readonly double[] Percentiles = [10, 25, 50, 75, 90, 95, 99, 99.9];

    private const int HistogramBuckets = 10;
    private const int BarWidth = 40;

    // Sized for the whole run up front so recording is one interlocked add and one store, no allocation.
    private readonly double[] latencies;
    private readonly ConcurrentDictionary<string, int> errors = new(StringComparer.Ordinal);
    private int recorded;
    private double[]? sorted;

    /// <summary>Creates a report with room for <paramref name="capacity"/> successful requests.</summary>
    public Report(int capacity) => latencies = new double[capacity];

    /// <summary>Wall time from the first request sent to the last answer received.</summary>
    public TimeSpan Total { get; private set; }

    /// <summary>Successful requests.</summary>
    public int Count => recorded;

    /// <summary>Failed requests, all kinds together.</summary>
    public int ErrorCount
    {
        get
        {
            int n = 0;
            foreach (var pair in errors)
            {
                n += pair.Value;
            }

            return n;
        }
    }

    /// <summary>Slowest successful request, in seconds.</summary>
    public double Slowest { get; private set; }

    /// <summary>Fastest successful request, in seconds.</summary>
    public double Fastest { get; private set; }

    /// <summary>Mean latency, in seconds.</summary>
    public double Average { get; private set; }

    /// <summary>Population standard deviation of the latencies, in seconds.</summary>
    public double Stddev { get; private set; }

    /// <summary>Successful requests per second of <see cref="Total"/>.</summary>
    public double RequestsPerSecond { get; private set; }

    /// <summary>Records one successful request. Thread-safe.</summary>
    public void Record(TimeSpan latency)
    {
        int slot = Interlocked.Increment(ref recorded) - 1;
        latencies[slot] = latency.TotalSeconds;
    }

    /// <summary>Records one failed request under its error text. Thread-safe.</summary>
    public void RecordError(string error) => errors.AddOrUpdate(error, 1, static (_, n) => n + 1);

    /// <summary>Closes the run and computes the summary; call once, after every worker has stopped.</summary>
    public void Complete(TimeSpan total)
    {
        Total = total;
        int n = recorded;
        sorted = new double[n];
        Array.Copy(latencies, sorted, n);
        Array.Sort(sorted);
        if (n == 0)
        {
            return;
        }

        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum += sorted[i];
        }

        Average = sum / n;
        double squares = 0;
        for (int i = 0; i < n; i++)
        {
            double d = sorted[i] - Average;
            squares += d * d;
        }

        Stddev = Math.Sqrt(squares / n);
        Fastest = sorted[0];
        Slowest = sorted[n - 1];
        RequestsPerSecond = total > TimeSpan.Zero ? n / total.TotalSeconds : 0;
    }

    /// <summary>The latency below which <paramref name="percent"/>% of requests fall, in seconds (0 with no data).</summary>
    /// <remarks>Takes the first sample whose rank reaches the percentile, as etcd's report does.</remarks>
    public double Percentile(double percent)
    {
        var data = sorted ?? throw new InvalidOperationException("Complete the report first.");
        if (data.Length == 0)
        {
            return 0;
        }

        int index = (int)Math.Ceiling(percent * data.Length / 100.0);
        return data[Math.Min(index, data.Length - 1)];
    }

    /// <summary>The text etcd's benchmark prints: summary, histogram, latency distribution, errors.</summary>
    public string Format(bool precise = false)
    {
        if (sorted is null)
        {
            throw new InvalidOperationException("Complete the report first.");
        }

        string f = precise ? "F6" : "F4";
        var s = new StringBuilder();
        if (sorted.Length > 0)
        {
            s.Append("\nSummary:\n");
            s.Append(CultureInfo.InvariantCulture, $"  Total:\t{Seconds(Total.TotalSeconds, f)}.\n");
            s.Append(CultureInfo.InvariantCulture, $"  Slowest:\t{Seconds(Slowest, f)}.\n");
            s.Append(CultureInfo.InvariantCulture, $"  Fastest:\t{Seconds(Fastest, f)}.\n");
            s.Append(CultureInfo.InvariantCulture, $"  Average:\t{Seconds(Average, f)}.\n");
            s.Append(CultureInfo.InvariantCulture, $"  Stddev:\t{Seconds(Stddev, f)}.\n");
            s.Append(CultureInfo.InvariantCulture, $"  Requests/sec:\t{RequestsPerSecond.ToString(f, CultureInfo.InvariantCulture)}\n");
            AppendHistogram(s, f);
            s.Append("\nLatency distribution:\n");
            foreach (double p in Percentiles)
            {
                double v = Percentile(p);
                if (v > 0)
                {
                    s.Append(CultureInfo.InvariantCulture, $"  {p}% in {Seconds(v, f)}.\n");
                }
            }
        }

        if (!errors.IsEmpty)
        {
            s.Append("\nError distribution:\n");
            foreach (var pair in errors)
            {
                s.Append(CultureInfo.InvariantCulture, $"  [{pair.Value}]\t{pair.Key}\n");
            }
        }

        return s.ToString();
    }

    private static string Seconds(double seconds, string format) =>
        seconds.ToString(format, CultureInfo.InvariantCulture) + " secs";

    // Ten equal-width buckets between fastest and slowest, bars scaled to the fullest bucket.
    private void AppendHistogram(StringBuilder s, string format)
    {
        var data = sorted!;
        var bounds = new double[HistogramBuckets + 1];
        var counts = new int[HistogramBuckets + 1];
        double width = (Slowest - Fastest) / HistogramBuckets;
        for (int i = 0; i < HistogramBuckets; i++)
        {
            bounds[i] = Fastest + (width * i);
        }

        bounds[HistogramBuckets] = Slowest;
        int bucket = 0;
        int max = 0;
        foreach (double v in data)
        {
            while (v > bounds[bucket] && bucket < HistogramBuckets)
            {
                bucket++;
            }

            max = Math.Max(max, ++counts[bucket]);
        }

        s.Append("\nResponse time histogram:\n");
        for (int i = 0; i <= HistogramBuckets; i++)
        {
            int bar = max > 0 ? counts[i] * BarWidth / max : 0;
            s.Append(CultureInfo.InvariantCulture,
                $"  {bounds[i].ToString(format, CultureInfo.InvariantCulture)} [{counts[i]}]\t|{new string('∎', bar)}\n");
        }
    }
}
