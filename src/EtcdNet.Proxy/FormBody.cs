using System.Text;

namespace EtcdNet.Proxy;

/// <summary>An application/x-www-form-urlencoded body read as Go's url.ParseQuery reads it, errors included.</summary>
public static class FormBody
{
    /// <summary>
    /// The fields of <paramref name="body"/> (first value wins on lookup); <paramref name="error"/> is Go's text for the
    /// first bad pair (e.g. invalid URL escape "%zz"), and the good pairs are still returned, as Go does.
    /// </summary>
    public static Dictionary<string, string> Parse(string body, out string? error)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        error = null;
        foreach (var pair in body.Split('&'))
        {
            if (pair.Length == 0) continue;
            if (pair.Contains(';'))
            {
                error ??= "invalid semicolon separator in query";
                continue;
            }

            var eq = pair.IndexOf('=');
            var rawKey = eq < 0 ? pair : pair[..eq];
            var rawValue = eq < 0 ? "" : pair[(eq + 1)..];
            if (!TryUnescape(rawKey, out var key, out var keyError))
            {
                error ??= keyError;
                continue;
            }

            if (!TryUnescape(rawValue, out var value, out var valueError))
            {
                error ??= valueError;
                continue;
            }

            fields.TryAdd(key, value);
        }

        return fields;
    }

    private static bool TryUnescape(string text, out string value, out string error)
    {
        value = "";
        error = "";
        if (text.IndexOfAny(['%', '+']) < 0)
        {
            value = text;
            return true;
        }

        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '+')
            {
                bytes.Add((byte)' ');
            }
            else if (c == '%')
            {
                if (i + 2 >= text.Length || !Uri.IsHexDigit(text[i + 1]) || !Uri.IsHexDigit(text[i + 2]))
                {
                    var bad = text[i..];
                    if (bad.Length > 3) bad = bad[..3];
                    error = $"invalid URL escape {GoQuote.Quote(bad)}";
                    return false;
                }

                bytes.Add((byte)Convert.ToInt32(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }

        value = Encoding.UTF8.GetString(bytes.ToArray());
        return true;
    }
}
