using System.Security.Cryptography;
using System.Text;

namespace EtcdNet.Auth;

/// <summary>
/// bcrypt password hashes ("$2a$10$" + 22 characters of salt + 31 of hash), the format etcd and Go's bcrypt
/// produce, so a hashed_password from an etcd client verifies here and ours verify there.
/// </summary>
public static class Bcrypt
{
    private const int SaltBytes = 16, HashBytes = 23;
    private const int SaltChars = 22, HashChars = 31;
    private const int MaxKeyBytes = 72; // Blowfish's key schedule uses no more
    private static readonly byte[] MagicText = "OrpheanBeholderScryDoubt"u8.ToArray();

    /// <summary>Hashes the password with a fresh random salt at 2^cost rounds (cost 4..31).</summary>
    public static string Hash(string password, int cost) => Hash(password, cost, RandomNumberGenerator.GetBytes(SaltBytes));

    /// <summary>Hashes with a given 16-byte salt (deterministic; for tests and verification).</summary>
    public static string Hash(string password, int cost, ReadOnlySpan<byte> salt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cost, 4);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cost, 31);
        if (salt.Length != SaltBytes) throw new ArgumentException("bcrypt salt must be 16 bytes", nameof(salt));
        byte[] hash = Compute(Encoding.UTF8.GetBytes(password), cost, salt);
        return $"$2a${cost:D2}${BcryptBase64.Encode(salt)}{BcryptBase64.Encode(hash)}";
    }

    /// <summary>Whether the password matches a $2a$/$2b$/$2y$ hash; a malformed hash never matches. Constant-time compare.</summary>
    public static bool Verify(string password, ReadOnlySpan<byte> hash)
    {
        // "$2a$" cost(2) "$" salt hash = 60 characters, all ASCII.
        if (hash.Length != 7 + SaltChars + HashChars || hash[0] != '$' || hash[1] != '2' || hash[3] != '$' || hash[6] != '$') return false;
        if (hash[2] is not ((byte)'a' or (byte)'b' or (byte)'y')) return false;
        if (!char.IsAsciiDigit((char)hash[4]) || !char.IsAsciiDigit((char)hash[5])) return false;
        int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
        if (cost is < 4 or > 31) return false;
        string text = Encoding.ASCII.GetString(hash);
        if (!BcryptBase64.TryDecode(text.AsSpan(7, SaltChars), SaltBytes, out byte[] salt)) return false;
        byte[] computed = Compute(Encoding.UTF8.GetBytes(password), cost, salt);
        byte[] expected = Encoding.ASCII.GetBytes(BcryptBase64.Encode(computed));
        return CryptographicOperations.FixedTimeEquals(expected, hash[(7 + SaltChars)..]);
    }

    /// <summary>As the byte overload, for a hash held as a string.</summary>
    public static bool Verify(string password, string hash) => Verify(password, Encoding.UTF8.GetBytes(hash));

    // EksBlowfish: the salted key schedule, 2^cost alternating re-keyings with key and salt, then 64 encryptions
    // of the magic text. The key is the password with its NUL terminator, cut at 72 bytes.
    private static byte[] Compute(byte[] password, int cost, ReadOnlySpan<byte> salt)
    {
        int keyLength = Math.Min(password.Length + 1, MaxKeyBytes);
        var key = new byte[keyLength];
        password.AsSpan(0, Math.Min(password.Length, keyLength)).CopyTo(key);
        try
        {
            var state = new Blowfish();
            state.ExpandKey(key, salt);
            long rounds = 1L << cost;
            for (long i = 0; i < rounds; i++)
            {
                state.ExpandKey(key, []);
                state.ExpandKey(salt, []);
            }

            var block = new uint[MagicText.Length / 4];
            for (int i = 0; i < block.Length; i++)
            {
                block[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(MagicText.AsSpan(i * 4));
            }
            for (int n = 0; n < 64; n++)
            {
                for (int i = 0; i < block.Length; i += 2) state.Encrypt(ref block[i], ref block[i + 1]);
            }
            var output = new byte[MagicText.Length];
            for (int i = 0; i < block.Length; i++)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(i * 4), block[i]);
            }
            return output[..HashBytes];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
