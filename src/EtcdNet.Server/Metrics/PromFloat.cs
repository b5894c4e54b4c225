using System.Globalization;

namespace EtcdNet.Server.Metrics;

/// <summary>
/// Formats sample values and bucket bounds as Go's strconv.FormatFloat(v, 'g', -1, 64) does, which is what etcd's
/// client library writes: shortest round-trip digits, exponent form below 1e-4 and from 1e+06 ("1.048576e+06").
/// </summary>
public static class PromFloat
{
    public static string Format(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsPositiveInfinity(value)) return "+Inf";
        if (double.IsNegativeInfinity(value)) return "-Inf";
        if (value == 0) return double.IsNegative(value) ? "-0" : "0";

        var text = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var exponent = 0;
        var e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }
        var dot = text.IndexOf('.');
        var integral = dot < 0 ? text : text[..dot];
        var digits = dot < 0 ? text : integral + text[(dot + 1)..];
        // dp: position of the decimal point relative to the start of digits.
        var dp = integral.Length + exponent;
        var lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
            dp--;
        }
        digits = digits[lead..].TrimEnd('0');

        var sign = value < 0 ? "-" : "";
        var x = dp - 1;
        // Go: with the shortest precision, exponent form when the exponent is < -4 or >= 6 (eprec = 6).
        if (x < -4 || x >= 6)
        {
            var mantissa = digits.Length > 1 ? digits[0] + "." + digits[1..] : digits;
            var expSign = x < 0 ? "-" : "+";
            var expDigits = Math.Abs(x).ToString(CultureInfo.InvariantCulture).PadLeft(2, '0');
            return sign + mantissa + "e" + expSign + expDigits;
        }
        if (dp <= 0) return sign + "0." + new string('0', -dp) + digits;
        if (dp >= digits.Length) return sign + digits + new string('0', dp - digits.Length);
        return sign + digits[..dp] + "." + digits[dp..];
    }
}
