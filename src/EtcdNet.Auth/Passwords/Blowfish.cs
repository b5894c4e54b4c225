namespace EtcdNet.Auth;

/// <summary>Blowfish's key schedule and block cipher, with bcrypt's salted ("expensive") key expansion.</summary>
internal sealed class Blowfish
{
    private readonly uint[] _p = new uint[BlowfishConstants.PWords];
    private readonly uint[] _s = new uint[BlowfishConstants.SWords];

    public Blowfish()
    {
        ReadOnlySpan<uint> init = BlowfishConstants.All;
        init[..BlowfishConstants.PWords].CopyTo(_p);
        init[BlowfishConstants.PWords..].CopyTo(_s);
    }

    /// <summary>Encrypts one 64-bit block given as two big-endian halves.</summary>
    public void Encrypt(ref uint left, ref uint right)
    {
        uint l = left, r = right;
        uint[] p = _p, s = _s;
        for (int i = 0; i < 16; i += 2)
        {
            l ^= p[i];
            r ^= F(s, l);
            r ^= p[i + 1];
            l ^= F(s, r);
        }
        left = r ^ p[17];
        right = l ^ p[16];
    }

    /// <summary>
    /// The key schedule: XORs the key (cyclic) into P, then re-keys P and S by encrypting a running block. With a
    /// salt, the salt (cyclic) is XORed into the block before each encryption (bcrypt's ExpandKey); without, plain Blowfish.
    /// </summary>
    public void ExpandKey(ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt)
    {
        int keyPos = 0;
        for (int i = 0; i < _p.Length; i++) _p[i] ^= NextWord(key, ref keyPos);

        int saltPos = 0;
        uint l = 0, r = 0;
        for (int i = 0; i < _p.Length; i += 2)
        {
            if (!salt.IsEmpty)
            {
                l ^= NextWord(salt, ref saltPos);
                r ^= NextWord(salt, ref saltPos);
            }
            Encrypt(ref l, ref r);
            _p[i] = l;
            _p[i + 1] = r;
        }
        for (int i = 0; i < _s.Length; i += 2)
        {
            if (!salt.IsEmpty)
            {
                l ^= NextWord(salt, ref saltPos);
                r ^= NextWord(salt, ref saltPos);
            }
            Encrypt(ref l, ref r);
            _s[i] = l;
            _s[i + 1] = r;
        }
    }

    private static uint F(uint[] s, uint x) =>
        ((s[x >> 24] + s[256 + ((x >> 16) & 0xFF)]) ^ s[512 + ((x >> 8) & 0xFF)]) + s[768 + (x & 0xFF)];

    // Four bytes read big-endian from data, wrapping around its end.
    private static uint NextWord(ReadOnlySpan<byte> data, ref int pos)
    {
        uint w = 0;
        for (int i = 0; i < 4; i++)
        {
            w = (w << 8) | data[pos];
            pos = (pos + 1) % data.Length;
        }
        return w;
    }
}
