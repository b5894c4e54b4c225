using System.Globalization;
using System.Text;

namespace EtcdNet;

/// <summary>Go's time.Duration text: parsing as time.ParseDuration does and printing as Duration.String does.</summary>
/// <remarks>
/// etcd's flags, its retention and token options, and its proxy's answers ("added send latency 5s±100ms ...") are
/// Go durations, and scripts match on its error texts, so durations read and print exactly as Go's do.
/// Go counts nanoseconds; TimeSpan holds 100 ns ticks, so anything finer is rounded down to a tick.
/// Compiled into each assembly that needs it (see src/Shared), so it is internal.
/// </remarks>
internal static class GoDuration
{
    private const long NanosPerTick = 100;

    /// <summary>As <see cref="TryParse(string, out TimeSpan, out string)"/>, throwing a FormatException with Go's text.</summary>
    public static TimeSpan Parse(string text) =>
        TryParse(text, out var value, out var error) ? value : throw new FormatException(error);

    /// <summary>As <see cref="TryParse(string, out TimeSpan, out string)"/>, without the error text.</summary>
    public static bool TryParse(string text, out TimeSpan value) => TryParse(text, out value, out _);

    /// <summary>Parses "5s", "1.5h", "100ms", "-2m3s"; the error text is Go's, e.g. time: invalid duration "abc".</summary>
    public static bool TryParse(string text, out TimeSpan value, out string error)
    {
        value = TimeSpan.Zero;
        error = "";
        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s is "0") return true;
        if (s.IsEmpty) return Invalid(text, out error);

        ulong total = 0;
        while (!s.IsEmpty)
        {
            if (!(s[0] == '.' || char.IsAsciiDigit(s[0]))) return Invalid(text, out error);

            var start = s.Length;
            if (!TryLeadingInt(ref s, out var whole)) return Invalid(text, out error);
            var hadWhole = s.Length != start;

            ulong fraction = 0;
            double scale = 1;
            var hadFraction = false;
            if (!s.IsEmpty && s[0] == '.')
            {
                s = s[1..];
                var before = s.Length;
                LeadingFraction(ref s, out fraction, out scale);
                hadFraction = s.Length != before;
            }

            if (!hadWhole && !hadFraction) return Invalid(text, out error);

            var unitLength = 0;
            while (unitLength < s.Length && s[unitLength] != '.' && !char.IsAsciiDigit(s[unitLength])) unitLength++;
            if (unitLength == 0)
            {
                error = $"time: missing unit in duration {GoQuote.Quote(text)}";
                return false;
            }

            var unitText = s[..unitLength].ToString();
            s = s[unitLength..];
            var unit = UnitNanos(unitText);
            if (unit == 0)
            {
                error = $"time: unknown unit {GoQuote.Quote(unitText)} in duration {GoQuote.Quote(text)}";
                return false;
            }

            if (whole > long.MaxValue / unit) return Invalid(text, out error);
            var part = whole * unit;
            if (fraction > 0)
            {
                part += (ulong)(fraction * (unit / scale));
                if (part > long.MaxValue) return Invalid(text, out error);
            }

            total += part;
            if (total > long.MaxValue) return Invalid(text, out error);
        }

        var nanos = (long)total;
        value = TimeSpan.FromTicks((negative ? -nanos : nanos) / NanosPerTick);
        return true;
    }

    /// <summary>Go's Duration.String: "0s", "100ms", "1.5µs", "5.012s", "1m0s", "2h3m4.5s".</summary>
    public static string Format(TimeSpan value)
    {
        var nanos = value.Ticks * NanosPerTick;
        if (nanos == 0) return "0s";
        var negative = nanos < 0;
        var u = negative ? (ulong)(-(nanos + 1)) + 1 : (ulong)nanos;
        var sb = new StringBuilder();
        if (negative) sb.Append('-');

        if (u < 1_000_000_000)
        {
            if (u < 1_000) sb.Append(u.ToString(CultureInfo.InvariantCulture)).Append("ns");
            else if (u < 1_000_000) AppendFraction(sb, u, 3).Append("µs");
            else AppendFraction(sb, u, 6).Append("ms");
            return sb.ToString();
        }

        var seconds = u / 1_000_000_000;
        var fraction = u % 1_000_000_000;
        var minutes = seconds / 60;
        if (minutes > 0)
        {
            var hours = minutes / 60;
            if (hours > 0) sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
            sb.Append((minutes % 60).ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        sb.Append((seconds % 60).ToString(CultureInfo.InvariantCulture));
        AppendFractionDigits(sb, fraction, 9);
        return sb.Append('s').ToString();
    }

    private static StringBuilder AppendFraction(StringBuilder sb, ulong value, int digits)
    {
        var pow = 1UL;
        for (var i = 0; i < digits; i++) pow *= 10;
        sb.Append((value / pow).ToString(CultureInfo.InvariantCulture));
        AppendFractionDigits(sb, value % pow, digits);
        return sb;
    }

    private static void AppendFractionDigits(StringBuilder sb, ulong fraction, int digits)
    {
        if (fraction == 0) return;
        var text = fraction.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
        sb.Append('.').Append(text);
    }

    private static bool Invalid(string text, out string error)
    {
        error = $"time: invalid duration {GoQuote.Quote(text)}";
        return false;
    }

    private static bool TryLeadingInt(ref ReadOnlySpan<char> s, out ulong value)
    {
        value = 0;
        var i = 0;
        for (; i < s.Length && char.IsAsciiDigit(s[i]); i++)
        {
            if (value > (ulong.MaxValue / 10)) return false;
            value = value * 10 + (ulong)(s[i] - '0');
            if (value > long.MaxValue) return false;
        }

        s = s[i..];
        return true;
    }

    // Digits past what a long can hold only refine the value below a nanosecond, so they are read and ignored.
    private static void LeadingFraction(ref ReadOnlySpan<char> s, out ulong value, out double scale)
    {
        value = 0;
        scale = 1;
        var overflow = false;
        var i = 0;
        for (; i < s.Length && char.IsAsciiDigit(s[i]); i++)
        {
            if (overflow) continue;
            if (value > (long.MaxValue - 9) / 10)
            {
                overflow = true;
                continue;
            }

            value = value * 10 + (ulong)(s[i] - '0');
            scale *= 10;
        }

        s = s[i..];
    }

    private static ulong UnitNanos(string unit) => unit switch
    {
        "ns" => 1,
        "us" or "\u00b5s" or "\u03bcs" => 1_000,
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        _ => 0,
    };
}
