namespace EtcdNet.Grpc.Tests;

public sealed class HpackIntegerTests
{
    [Theory]
    [InlineData(10, 5, "0a")] // RFC 7541 C.1.1
    [InlineData(1337, 5, "1f9a0a")] // C.1.2
    [InlineData(42, 8, "2a")] // C.1.3
    [InlineData(30, 5, "1e")] // largest value that fits in the prefix
    [InlineData(31, 5, "1f00")] // exactly 2^N-1 needs a zero continuation byte
    [InlineData(127, 7, "7f00")]
    [InlineData(128 + 127, 7, "7f8001")]
    [InlineData(255, 8, "ff00")]
    [InlineData(int.MaxValue, 1, "01feffffff07")]
    [InlineData(int.MaxValue, 8, "ff80feffff07")]
    public void EncodeDecode_Value_RoundTripsWithRfcBytes(int value, int prefixBits, string hex)
    {
        var expected = HpackTestData.Hex(hex);
        var buffer = new byte[8];

        var written = HpackInteger.Encode(buffer, value, prefixBits, 0);
        var pos = 0;
        var decoded = HpackInteger.Decode(expected, ref pos, prefixBits);

        Assert.Equal(expected, buffer[..written]);
        Assert.Equal(expected.Length, HpackInteger.EncodedLength(value, prefixBits));
        Assert.Equal(value, decoded);
        Assert.Equal(expected.Length, pos);
    }

    [Fact]
    public void Decode_FlagBitsAbovePrefix_AreIgnored()
    {
        var pos = 0;

        var value = HpackInteger.Decode([0xea], ref pos, 5); // 111 flags, 01010 = 10

        Assert.Equal(10, value);
    }

    [Theory]
    [InlineData("", 5)] // nothing at all
    [InlineData("1f", 5)] // prefix full, continuation missing
    [InlineData("1f9a", 5)] // continuation bit set on the last byte
    [InlineData("ff80808080808000", 8)] // too many continuation bytes
    [InlineData("ff81feffff07", 8)] // int.MaxValue + 1
    [InlineData("ffffffffff0f", 8)] // about 2^35
    public void Decode_TruncatedOrOverflowing_Throws(string hex, int prefixBits)
    {
        var bytes = HpackTestData.Hex(hex);

        Assert.Throws<HpackDecodingException>(() =>
        {
            var pos = 0;
            HpackInteger.Decode(bytes, ref pos, prefixBits);
        });
    }
}
