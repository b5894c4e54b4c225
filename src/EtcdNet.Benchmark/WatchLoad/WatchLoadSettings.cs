using System.Globalization;

namespace EtcdNet.Benchmark.WatchLoad;

/// <summary>What a watch-load run does: its watch layout, put rate and length.</summary>
/// <param name="Conns">Watch connections (one watch stream each), spread over the endpoints round-robin.</param>
/// <param name="WatchersPerConn">Watchers created on each connection's stream.</param>
/// <param name="Keys">Distinct keys watched and put; watcher i of the run watches key i mod Keys.</param>
/// <param name="PutRate">Puts per second, spread over the keys round-robin.</param>
/// <param name="Duration">How long puts go on.</param>
/// <param name="PutClients">Puts in flight at most.</param>
/// <param name="ValSize">Bytes per value (the first eight carry the put's sequence number).</param>
/// <param name="Drain">How long to wait after the last put for events still on their way.</param>
public sealed record WatchLoadSettings(int Conns, int WatchersPerConn, int Keys, double PutRate, TimeSpan Duration,
    int PutClients = 1, int ValSize = 16, TimeSpan? Drain = null)
{
    /// <summary>All watchers of the run.</summary>
    public int Watchers => Conns * WatchersPerConn;

    /// <summary>Puts the run sends (rate × duration, at least one).</summary>
    public int PutTotal => Math.Max(1, (int)Math.Round(PutRate * Duration.TotalSeconds));

    /// <summary>Throws <see cref="ArgumentException"/> naming the flag that is out of range.</summary>
    public void Validate()
    {
        if (Conns < 1) throw new ArgumentException("--conns must be at least 1");
        if (WatchersPerConn < 1) throw new ArgumentException("--watchers-per-conn must be at least 1");
        if (Keys < 1) throw new ArgumentException("--keys must be at least 1");
        if (PutRate <= 0) throw new ArgumentException("--put-rate must be positive");
        if (Duration <= TimeSpan.Zero) throw new ArgumentException("--duration must be positive");
        if (PutClients < 1) throw new ArgumentException("--clients must be at least 1");
        if (ValSize < sizeof(long)) throw new ArgumentException("--val-size must be at least 8");
    }

    /// <summary>Reads "3s", "500ms", "2m", "1h" or a plain number of seconds.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        var s = text.Trim();
        (string unit, double scale)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (unit, scale) in units)
        {
            if (s.EndsWith(unit, StringComparison.Ordinal)
                && double.TryParse(s[..^unit.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
            {
                return TimeSpan.FromSeconds(n * scale);
            }
        }

        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : throw new ArgumentException($"invalid duration {text}: use e.g. 10s, 500ms, 2m");
    }
}
