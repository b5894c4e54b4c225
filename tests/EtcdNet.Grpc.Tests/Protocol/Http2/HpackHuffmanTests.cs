using System.Text;

namespace EtcdNet.Grpc.Tests;

public sealed class HpackHuffmanTests
{
    [Theory]
    [InlineData("f1e3 c2e5 f23a 6ba0 ab90 f4ff", "www.example.com")] // RFC 7541 C.4.1
    [InlineData("a8eb 1064 9cbf", "no-cache")] // C.4.2
    [InlineData("25a8 49e9 5ba9 7d7f", "custom-key")] // C.4.3
    [InlineData("25a8 49e9 5bb8 e8b4 bf", "custom-value")]
    [InlineData("6402", "302")] // C.6.1
    [InlineData("aec3 771a 4b", "private")]
    [InlineData("d07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff", "Mon, 21 Oct 2013 20:13:21 GMT")]
    [InlineData("9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3", "https://www.example.com")]
    [InlineData("", "")]
    public void Decode_RfcVector_GivesText(string hex, string text)
    {
        var encoded = HpackTestData.Hex(hex);
        var destination = new byte[HpackHuffman.MaxDecodedLength(encoded.Length)];

        var written = HpackHuffman.Decode(encoded, destination);

        Assert.Equal(text, Encoding.ASCII.GetString(destination, 0, written));
    }

    [Fact]
    public void EncodeDecode_EveryByteValue_RoundTrips()
    {
        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var encoded = new byte[HpackHuffman.EncodedLength(all)];
        var decoded = new byte[HpackHuffman.MaxDecodedLength(encoded.Length)];

        var encodedLength = HpackHuffman.Encode(all, encoded);
        var decodedLength = HpackHuffman.Decode(encoded, decoded);

        Assert.Equal(encoded.Length, encodedLength);
        Assert.Equal(all, decoded[..decodedLength]);
    }

    [Fact]
    public void Encode_RfcText_GivesRfcBytes()
    {
        var text = "www.example.com"u8;
        var encoded = new byte[HpackHuffman.EncodedLength(text)];

        HpackHuffman.Encode(text, encoded);

        Assert.Equal(HpackTestData.Hex("f1e3 c2e5 f23a 6ba0 ab90 f4ff"), encoded);
    }

    [Theory]
    [InlineData("ff")] // padding longer than 7 bits
    [InlineData("1fff")] // "a" then a whole byte of padding
    [InlineData("ff9fffffff")] // "a" after 29 bits of would-be padding
    [InlineData("52bc30ffffffff")] // padding that ends inside a longer symbol
    [InlineData("00")] // "0" then padding of zeros, not ones
    [InlineData("fffffffffc")] // EOS decoded as a symbol
    public void Decode_BadPaddingOrEos_Throws(string hex)
    {
        var encoded = HpackTestData.Hex(hex);
        var destination = new byte[HpackHuffman.MaxDecodedLength(encoded.Length)];

        Assert.Throws<HpackDecodingException>(() => HpackHuffman.Decode(encoded, destination));
    }
}
