using System.Globalization;
using System.Text;
using EtcdNet.Server.Backup;

namespace EtcdNet.Snapshot;

/// <summary>`snapshot status` output in etcdctl's four formats (simple, table, json, fields).</summary>
public static class SnapshotStatusPrinter
{
    private static readonly string[] Header = ["HASH", "REVISION", "TOTAL KEYS", "TOTAL SIZE"];

    public static string Print(SnapshotStatus status, string format)
    {
        string[] row =
        [
            status.Hash.ToString("x", CultureInfo.InvariantCulture),
            status.Revision.ToString(CultureInfo.InvariantCulture),
            status.TotalKey.ToString(CultureInfo.InvariantCulture),
            HumanBytes((ulong)status.TotalSize),
        ];
        return format switch
        {
            "json" => string.Create(CultureInfo.InvariantCulture,
                $"{{\"hash\":{status.Hash},\"revision\":{status.Revision},\"totalKey\":{status.TotalKey},\"totalSize\":{status.TotalSize}}}\n"),
            "fields" => string.Create(CultureInfo.InvariantCulture,
                $"\"Hash\" : {status.Hash}\n\"Revision\" : {status.Revision}\n\"Keys\" : {status.TotalKey}\n\"Size\" : {status.TotalSize}\n"),
            "table" => Table(row),
            _ => string.Join(", ", row) + "\n",
        };
    }

    /// <summary>go-humanize's Bytes: SI units, one decimal below 10, Go's round-half-even when printing.</summary>
    public static string HumanBytes(ulong size)
    {
        if (size < 10) return string.Create(CultureInfo.InvariantCulture, $"{size} B");
        string[] units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
        var e = Math.Floor(Math.Log(size) / Math.Log(1000));
        var value = Math.Floor(size / Math.Pow(1000, e) * 10 + 0.5) / 10;
        var text = value < 10
            ? Math.Round(value, 1, MidpointRounding.ToEven).ToString("0.0", CultureInfo.InvariantCulture)
            : Math.Round(value, 0, MidpointRounding.ToEven).ToString("0", CultureInfo.InvariantCulture);
        return $"{text} {units[(int)e]}";
    }

    /// <summary>The table etcdctl's tablewriter draws: centred header, right-aligned cells.</summary>
    private static string Table(string[] row)
    {
        var widths = Header.Select((h, i) => Math.Max(h.Length, row[i].Length)).ToArray();
        var rule = "+" + string.Join("+", widths.Select(w => new string('-', w + 2))) + "+\n";
        var text = new StringBuilder(rule);
        text.Append('|');
        for (var i = 0; i < Header.Length; i++)
        {
            var gap = widths[i] - Header[i].Length;
            text.Append(' ').Append(' ', gap / 2).Append(Header[i]).Append(' ', gap - gap / 2).Append(" |");
        }
        text.Append('\n').Append(rule).Append('|');
        for (var i = 0; i < row.Length; i++)
        {
            text.Append(' ').Append(row[i].PadLeft(widths[i])).Append(" |");
        }
        return text.Append('\n').Append(rule).ToString();
    }
}
