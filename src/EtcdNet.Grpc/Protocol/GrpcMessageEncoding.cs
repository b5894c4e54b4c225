using System.Text;

namespace EtcdNet.Grpc;

/// <summary>
/// The <c>grpc-message</c> header encoding: UTF-8, with only bytes outside 0x20–0x7E and '%' percent-encoded,
/// so plain ASCII messages such as "etcdserver: key is not provided" go out byte for byte as grpc-go sends them.
/// </summary>
public static class GrpcMessageEncoding
{
    private const string Hex = "0123456789ABCDEF";

    /// <summary>Encodes a status message for the header.</summary>
    public static string Encode(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var i = 0;
        while (i < message.Length && IsPlain(message[i]))
        {
            i++;
        }

        if (i == message.Length)
        {
            return message;
        }

        // Invalid UTF-16 (a lone surrogate) becomes U+FFFD here, as grpc-go does with invalid UTF-8.
        var bytes = Encoding.UTF8.GetBytes(message);
        var sb = new StringBuilder(bytes.Length + 16);
        foreach (var b in bytes)
        {
            if (IsPlain((char)b))
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(Hex[b >> 4]).Append(Hex[b & 0xF]);
            }
        }

        return sb.ToString();
    }

    /// <summary>Decodes a header value; malformed escapes are kept as they are, as grpc-go does.</summary>
    public static string Decode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Contains('%'))
        {
            return value;
        }

        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%' && i + 2 < value.Length && TryHex(value[i + 1], out var hi) && TryHex(value[i + 2], out var lo))
            {
                bytes.Add((byte)((hi << 4) | lo));
                i += 2;
            }
            else if (c < 0x80)
            {
                bytes.Add((byte)c);
            }
            else
            {
                // Header values should be ASCII; keep anything else intact (surrogate pairs together).
                var length = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]) ? 2 : 1;
                bytes.AddRange(Encoding.UTF8.GetBytes(value.Substring(i, length)));
                i += length - 1;
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsPlain(char c) => c >= ' ' && c <= '~' && c != '%';

    private static bool TryHex(char c, out int value)
    {
        value = c switch
        {
            >= '0' and <= '9' => c - '0',
            >= 'a' and <= 'f' => c - 'a' + 10,
            >= 'A' and <= 'F' => c - 'A' + 10,
            _ => -1,
        };
        return value >= 0;
    }
}
