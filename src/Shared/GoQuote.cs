using System.Globalization;
using System.Text;

namespace EtcdNet;

/// <summary>Go's %q for strings (strconv.Quote), which etcd uses to wrap names and error text in its messages.</summary>
/// <remarks>Compiled into each assembly that needs it (see src/Shared), so it is internal.</remarks>
internal static class GoQuote
{
    /// <summary>The text in double quotes with quotes, backslashes and unprintable characters escaped.</summary>
    public static string Quote(string text)
    {
        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (var rune in text.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\a': sb.Append("\\a"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\v': sb.Append("\\v"); break;
                default:
                    if (rune.Value < 0x20 || rune.Value == 0x7f)
                    {
                        sb.Append("\\x").Append(rune.Value.ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
                             or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate)
                    {
                        sb.Append(rune.Value > 0xffff
                            ? "\\U" + rune.Value.ToString("x8", CultureInfo.InvariantCulture)
                            : "\\u" + rune.Value.ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(rune.ToString());
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }
}
