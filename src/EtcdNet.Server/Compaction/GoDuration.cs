using System.Globalization;

namespace EtcdNet.Server.Compaction;

/// <summary>Go's time.ParseDuration, with its error messages (etcd prints them for a bad retention).</summary>
public static class GoDuration
{
    public static TimeSpan Parse(string text)
    {
        string original = text;
        string Quoted() => $"\"{original}\"";
        if (text.Length == 0) throw new FormatException($"time: invalid duration {Quoted()}");
        bool negative = false;
        if (text[0] is '-' or '+')
        {
            negative = text[0] == '-';
            text = text[1..];
        }
        if (text == "0") return TimeSpan.Zero;
        if (text.Length == 0) throw new FormatException($"time: invalid duration {Quoted()}");
        double nanos = 0;
        while (text.Length > 0)
        {
            int i = 0;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.')) i++;
            string number = text[..i];
            if (number.Length == 0 || number == "." || number.Count(c => c == '.') > 1)
            {
                throw new FormatException($"time: invalid duration {Quoted()}");
            }
            text = text[i..];
            int u = 0;
            while (u < text.Length && !char.IsAsciiDigit(text[u]) && text[u] != '.') u++;
            if (u == 0) throw new FormatException($"time: missing unit in duration {Quoted()}");
            string unit = text[..u];
            text = text[u..];
            double scale = unit switch
            {
                "ns" => 1,
                "us" or "µs" or "μs" => 1e3,
                "ms" => 1e6,
                "s" => 1e9,
                "m" => 60e9,
                "h" => 3600e9,
                _ => throw new FormatException($"time: unknown unit \"{unit}\" in duration {Quoted()}"),
            };
            nanos += double.Parse(number, CultureInfo.InvariantCulture) * scale;
        }
        var ticks = (long)Math.Round(nanos / 100);
        return TimeSpan.FromTicks(negative ? -ticks : ticks);
    }
}
