using EtcdNet.Proxy;

namespace EtcdNet.Proxy.Tests;

public sealed class ProxyFlagsTests
{
    [Theory]
    [InlineData("--from", "127.0.0.1:1", "--to", "127.0.0.1:2", "--http-port", "3")]
    [InlineData("-from", "127.0.0.1:1", "-to", "127.0.0.1:2", "-http-port", "3")]
    [InlineData("--from=127.0.0.1:1", "-to=127.0.0.1:2", "--http-port=3")]
    public void TryParse_GoFlagSpellings_ReadSameValues(params string[] args)
    {
        Assert.True(ProxyFlags.TryParse(args, out var flags, out var error), error);
        Assert.Equal("127.0.0.1:1", flags.From);
        Assert.Equal("127.0.0.1:2", flags.To);
        Assert.Equal(3, flags.HttpPort);
        Assert.False(flags.Verbose);
    }

    [Fact]
    public void TryParse_NoArgs_EtcdProxyDefaults()
    {
        Assert.True(ProxyFlags.TryParse([], out var flags, out _));
        Assert.Equal("localhost:23790", flags.From);
        Assert.Equal("localhost:2379", flags.To);
        Assert.Equal(2378, flags.HttpPort);
    }

    [Theory]
    [InlineData(true, "--verbose")]
    [InlineData(true, "-verbose=true")]
    [InlineData(false, "--verbose=false")]
    public void TryParse_Verbose_BoolFlagSyntax(bool expected, string arg)
    {
        Assert.True(ProxyFlags.TryParse([arg], out var flags, out _));
        Assert.Equal(expected, flags.Verbose);
    }

    [Theory]
    [InlineData("flag provided but not defined: -listen", "--listen", "x")]
    [InlineData("invalid value \"abc\" for flag -http-port: parse error", "--http-port", "abc")]
    [InlineData("flag needs an argument: -from", "--from")]
    [InlineData("invalid boolean value \"maybe\" for -verbose: parse error", "--verbose=maybe")]
    public void TryParse_BadFlag_GoError(string expected, params string[] args)
    {
        Assert.False(ProxyFlags.TryParse(args, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("127.0.0.1:2379", "127.0.0.1", 2379)]
    [InlineData("http://127.0.0.1:2379", "127.0.0.1", 2379)]
    [InlineData("localhost:0", "localhost", 0)]
    [InlineData(":2379", "", 2379)]
    [InlineData("[::1]:2379", "::1", 2379)]
    public void ProxyAddress_Parse_HostAndPort(string text, string host, int port) =>
        Assert.Equal(new ProxyAddress(host, port), ProxyAddress.Parse(text));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:http")]
    [InlineData("127.0.0.1:70000")]
    public void ProxyAddress_TryParse_Bad_Fails(string text) =>
        Assert.False(ProxyAddress.TryParse(text, out _, out _));
}
