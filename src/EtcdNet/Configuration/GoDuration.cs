using System.Globalization;
using System.Text.RegularExpressions;

namespace EtcdNet.Configuration;

/// <summary>Durations written as Go's time.ParseDuration reads them ("10m", "1h30m", "100ms", "2.5s").</summary>
public static partial class GoDuration
{
    public static TimeSpan Parse(string text)
    {
        if (text == "0") return TimeSpan.Zero;
        var matches = Part().Matches(text);
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)) != text)
        {
            throw new FormatException($"time: invalid duration \"{text}\"");
        }
        double ticks = 0;
        foreach (Match m in matches)
        {
            var value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            ticks += value * m.Groups[2].Value switch
            {
                "ns" => TimeSpan.TicksPerMicrosecond / 1000.0,
                "us" or "µs" => TimeSpan.TicksPerMicrosecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                _ => TimeSpan.TicksPerHour,
            };
        }
        return TimeSpan.FromTicks((long)ticks);
    }

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")]
    private static partial Regex Part();
}
