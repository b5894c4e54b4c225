using System.Text;

namespace EtcdNet.Auth.Tests;

public sealed class BcryptTests
{
    // Published OpenBSD/openwall vectors, plus ones produced by glibc's crypt(3) (libxcrypt) for long and non-ASCII input.
    [Theory]
    [InlineData("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")]
    [InlineData("", "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.")]
    [InlineData("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789chars after 72 are ignored",
        "$2a$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui")]
    [InlineData("héllo wörld", "$2b$04$abcdefghijklmnopqrstuuoBdBDlVJCNVm7DckjkZd/Pt.OXa4TsK")]
    [InlineData("password", "$2a$10$N9qo8uLOickgx2ZMRZoMye8fOsiTWZqYtkxvXkKm8BMzjT7t/vIdq")]
    public void Verify_PublishedVectors_Match(string password, string hash)
    {
        Assert.True(Bcrypt.Verify(password, hash));
        Assert.False(Bcrypt.Verify("x" + password, hash));
    }

    [Fact]
    public void Verify_PasswordLongerThan72Bytes_OnlyFirst72Count()
    {
        string hash = Bcrypt.Hash(new string('a', 72) + "tail", 4);
        Assert.True(Bcrypt.Verify(new string('a', 72) + "other tail", hash));
        Assert.False(Bcrypt.Verify(new string('a', 71), hash));
    }

    [Fact]
    public void Hash_WithGivenSalt_ReproducesVector()
    {
        Assert.True(BcryptBase64TryDecodeSalt("CCCCCCCCCCCCCCCCCCCCC.", out byte[] salt));
        Assert.Equal("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", Bcrypt.Hash("U*U", 5, salt));
    }

    [Fact]
    public void Hash_RoundTrips_WithFreshSaltEachTime()
    {
        string a = Bcrypt.Hash("s3cret", 4);
        string b = Bcrypt.Hash("s3cret", 4);
        Assert.StartsWith("$2a$04$", a);
        Assert.Equal(60, a.Length);
        Assert.NotEqual(a, b);
        Assert.True(Bcrypt.Verify("s3cret", a));
        Assert.True(Bcrypt.Verify("s3cret", b));
        Assert.False(Bcrypt.Verify("S3cret", a));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe")] // one short
    [InlineData("$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")] // unknown minor
    [InlineData("$2a$03$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")] // cost below 4
    [InlineData("$2a$05$CCCCCCCCCCCCCCCCCCCCC!E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")] // not in the alphabet
    public void Verify_MalformedHash_IsFalse(string hash) => Assert.False(Bcrypt.Verify("U*U", hash));

    [Theory]
    [InlineData(3)]
    [InlineData(32)]
    public void Hash_CostOutOfRange_Throws(int cost) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Bcrypt.Hash("x", cost));

    // The salt part of a hash is the 16 salt bytes in bcrypt's base64; decode it the way a verifier must.
    private static bool BcryptBase64TryDecodeSalt(string text, out byte[] salt)
    {
        const string alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        var bits = new StringBuilder();
        foreach (char c in text) bits.Append(Convert.ToString(alphabet.IndexOf(c), 2).PadLeft(6, '0'));
        salt = new byte[16];
        for (int i = 0; i < 16; i++) salt[i] = Convert.ToByte(bits.ToString(i * 8, 8), 2);
        return true;
    }
}
