namespace EtcdNet.Auth;

/// <summary>bcrypt's base64: the usual bit packing, no padding, over the alphabet "./A-Za-z0-9".</summary>
internal static class BcryptBase64
{
    private const string Alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string Encode(ReadOnlySpan<byte> data)
    {
        var chars = new char[(data.Length * 8 + 5) / 6];
        int c = 0, bits = 0, acc = 0;
        foreach (byte b in data)
        {
            acc = (acc << 8) | b;
            bits += 8;
            while (bits >= 6)
            {
                bits -= 6;
                chars[c++] = Alphabet[(acc >> bits) & 0x3F];
            }
        }
        if (bits > 0) chars[c++] = Alphabet[(acc << (6 - bits)) & 0x3F];
        return new string(chars, 0, c);
    }

    /// <summary>Decodes exactly <paramref name="length"/> bytes; false on a character outside the alphabet or too little input.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, int length, out byte[] data)
    {
        data = new byte[length];
        int n = 0, bits = 0, acc = 0;
        foreach (char ch in text)
        {
            int v = Alphabet.IndexOf(ch);
            if (v < 0) return false;
            acc = (acc << 6) | v;
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                if (n < length) data[n++] = (byte)(acc >> bits);
            }
        }
        return n == length;
    }
}
