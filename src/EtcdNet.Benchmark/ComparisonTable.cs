using System.Globalization;
using System.Text;

namespace EtcdNet.Benchmark;

/// <summary>The side-by-side figures of a compare run: throughput, p50 and p99 per workload, then memory, etcd first.</summary>
public sealed class ComparisonTable
{
    private static readonly string[] KvHeader = ["workload", "etcd req/s", "etcdnet req/s", "etcdnet/etcd", "etcd p50", "etcdnet p50", "etcd p99", "etcdnet p99"];

    private readonly string[] header;
    private readonly List<string[]> rows = [];

    /// <summary>A table with the KV columns (throughput, p50 and p99).</summary>
    public ComparisonTable()
        : this(KvHeader)
    {
    }

    /// <summary>A table with other columns, filled with <see cref="AddRow"/>.</summary>
    public ComparisonTable(string[] header) => this.header = header;

    /// <summary>Adds a row of already formatted cells, one per column.</summary>
    public void AddRow(params string[] cells)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(cells.Length, header.Length);
        rows.Add(cells);
    }

    /// <summary>Adds a workload row from the two servers' reports.</summary>
    public void AddWorkload(string workload, Report etcd, Report etcdnet)
    {
        rows.Add(
        [
            workload,
            Rate(etcd),
            Rate(etcdnet),
            Ratio(etcdnet.RequestsPerSecond, etcd.RequestsPerSecond),
            Millis(etcd.Percentile(50)),
            Millis(etcdnet.Percentile(50)),
            Millis(etcd.Percentile(99)),
            Millis(etcdnet.Percentile(99)),
        ]);
    }

    /// <summary>Adds a memory row (bytes for each server); the ratio column then reads "lower is better".</summary>
    public void AddMemory(string what, long etcd, long etcdnet)
    {
        rows.Add([what, Mebibytes(etcd), Mebibytes(etcdnet), Ratio(etcdnet, etcd), "", "", "", ""]);
    }

    /// <summary>The table as aligned plain text for the console.</summary>
    public string ToText()
    {
        var widths = new int[header.Length];
        Measure(header, widths);
        foreach (var row in rows)
        {
            Measure(row, widths);
        }

        var s = new StringBuilder();
        AppendText(s, header, widths);
        s.Append(new string('-', Sum(widths) + (2 * (widths.Length - 1)))).Append('\n');
        foreach (var row in rows)
        {
            AppendText(s, row, widths);
        }

        return s.ToString();
    }

    /// <summary>The table as GitHub-flavoured Markdown, numbers right-aligned.</summary>
    public string ToMarkdown()
    {
        var s = new StringBuilder();
        s.Append("| ").AppendJoin(" | ", header).Append(" |\n");
        s.Append("|---");
        for (int i = 1; i < header.Length; i++)
        {
            s.Append("|---:");
        }

        s.Append("|\n");
        foreach (var row in rows)
        {
            s.Append("| ").AppendJoin(" | ", row).Append(" |\n");
        }

        return s.ToString();
    }

    private static string Rate(Report r)
    {
        string rate = r.RequestsPerSecond.ToString("F0", CultureInfo.InvariantCulture);
        return r.ErrorCount == 0 ? rate : $"{rate} ({r.ErrorCount} errors)";
    }

    private static string Ratio(double ours, double theirs) =>
        theirs > 0 ? (ours / theirs).ToString("F2", CultureInfo.InvariantCulture) : "n/a";

    private static string Millis(double seconds) => (seconds * 1000).ToString("F2", CultureInfo.InvariantCulture) + " ms";

    private static string Mebibytes(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture) + " MiB";

    private static void Measure(string[] row, int[] widths)
    {
        for (int i = 0; i < row.Length; i++)
        {
            widths[i] = Math.Max(widths[i], row[i].Length);
        }
    }

    private static int Sum(int[] values)
    {
        int sum = 0;
        foreach (int v in values)
        {
            sum += v;
        }

        return sum;
    }

    private static void AppendText(StringBuilder s, string[] row, int[] widths)
    {
        for (int i = 0; i < row.Length; i++)
        {
            if (i > 0)
            {
                s.Append("  ");
            }

            // The workload name reads left to right; figures line up on the right.
            s.Append(i == 0 ? row[i].PadRight(widths[i]) : row[i].PadLeft(widths[i]));
        }

        s.Append('\n');
    }
}
