using EtcdNet.Proxy;

namespace EtcdNet.Proxy.Tests;

public sealed class FormBodyTests
{
    [Fact]
    public void Parse_EtcdProxyForm_ReadsBothFields()
    {
        var form = FormBody.Parse("latency=5s&random-variable=100ms", out var error);
        Assert.Null(error);
        Assert.Equal("5s", form["latency"]);
        Assert.Equal("100ms", form["random-variable"]);
    }

    [Fact]
    public void Parse_EscapesAndPlus_Unescaped()
    {
        var form = FormBody.Parse("a=1%2B1&b=x+y&c", out var error);
        Assert.Null(error);
        Assert.Equal("1+1", form["a"]);
        Assert.Equal("x y", form["b"]);
        Assert.Equal("", form["c"]);
    }

    [Fact]
    public void Parse_RepeatedKey_FirstValueWins()
    {
        var form = FormBody.Parse("latency=1s&latency=2s", out _);
        Assert.Equal("1s", form["latency"]);
    }

    [Theory]
    [InlineData("latency=%zz", "invalid URL escape \"%zz\"")]
    [InlineData("latency=5s%", "invalid URL escape \"%\"")]
    [InlineData("latency=5s;x=1", "invalid semicolon separator in query")]
    public void Parse_BadPair_ReturnsGoErrorAndKeepsGoodPairs(string body, string expected)
    {
        var form = FormBody.Parse(body + "&ok=1", out var error);
        Assert.Equal(expected, error);
        Assert.Equal("1", form["ok"]);
    }
}
