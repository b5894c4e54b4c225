namespace EtcdNet.Grpc.Tests;

public sealed class GrpcMessageEncodingTests
{
    [Theory]
    [InlineData("etcdserver: key is not provided")]
    [InlineData("etcdserver: mvcc: required revision has been compacted")]
    [InlineData(" !\"#$&'()*+,-./:;<=>?@[\\]^_`{|}~")]
    [InlineData("")]
    public void Encode_PrintableAsciiWithoutPercent_IsUnchanged(string message) =>
        Assert.Same(message, GrpcMessageEncoding.Encode(message));

    [Theory]
    [InlineData("100%", "100%25")]
    [InlineData("line1\nline2", "line1%0Aline2")]
    [InlineData("tab\there", "tab%09here")]
    [InlineData("\u007f", "%7F")]
    [InlineData("héllo", "h%C3%A9llo")]
    [InlineData("日本", "%E6%97%A5%E6%9C%AC")]
    [InlineData("😀", "%F0%9F%98%80")]
    public void Encode_BytesOutsidePrintableAsciiOrPercent_ArePercentEncoded(string message, string expected) =>
        Assert.Equal(expected, GrpcMessageEncoding.Encode(message));

    [Fact]
    public void Encode_LoneSurrogate_BecomesReplacementCharacter() =>
        Assert.Equal("a%EF%BF%BDb", GrpcMessageEncoding.Encode("a\ud800b"));

    [Theory]
    [InlineData("100%", "100%")]
    [InlineData("%zz", "%zz")]
    [InlineData("50%2", "50%2")]
    [InlineData("a%41", "aA")]
    public void Decode_MalformedOrShortEscapes_AreKept(string value, string expected) =>
        Assert.Equal(expected, GrpcMessageEncoding.Decode(value));

    [Theory]
    [InlineData("etcdserver: key is not provided")]
    [InlineData("100% sure\r\n")]
    [InlineData("héllo 日本 😀")]
    public void Decode_OfEncode_RoundTrips(string message) =>
        Assert.Equal(message, GrpcMessageEncoding.Decode(GrpcMessageEncoding.Encode(message)));
}
