using System.Numerics;

namespace EtcdNet.Auth;

/// <summary>
/// Blowfish's initial P-array and S-boxes: the first 1042 32-bit words of pi's fractional part in hex. Computed once
/// with Machin's formula instead of carrying 4 KiB of literals; <c>P[0] == 0x243F6A88</c> checks the result.
/// </summary>
internal static class BlowfishConstants
{
    public const int PWords = 18, SWords = 4 * 256;

    private static readonly Lazy<uint[]> Words = new(Compute);

    /// <summary>P (18 words) followed by S0..S3 (256 words each).</summary>
    public static ReadOnlySpan<uint> All => Words.Value;

    private static uint[] Compute()
    {
        const int count = PWords + SWords;
        int fractionBits = count * 32;
        int scale = fractionBits + 64; // guard bits absorb the truncation error of the series
        BigInteger one = BigInteger.One << scale;
        // pi = 16·atan(1/5) − 4·atan(1/239)
        BigInteger pi = 16 * ArcTanInverse(5, one) - 4 * ArcTanInverse(239, one);
        BigInteger fraction = (pi - 3 * one) >> (scale - fractionBits);
        var words = new uint[count];
        for (int i = count - 1; i >= 0; i--)
        {
            words[i] = (uint)(fraction & uint.MaxValue);
            fraction >>= 32;
        }
        if (words[0] != 0x243F6A88) throw new InvalidOperationException("Blowfish constants came out wrong.");
        return words;
    }

    // atan(1/x) scaled by `one`, by its Taylor series: Σ (−1)^k / ((2k+1)·x^(2k+1)).
    private static BigInteger ArcTanInverse(int x, BigInteger one)
    {
        BigInteger power = one / x; // one / x^(2k+1)
        BigInteger sum = power;
        BigInteger xx = (BigInteger)x * x;
        for (int k = 1; !power.IsZero; k++)
        {
            power /= xx;
            BigInteger term = power / (2 * k + 1);
            sum = k % 2 == 1 ? sum - term : sum + term;
        }
        return sum;
    }
}
