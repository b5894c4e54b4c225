namespace EtcdNet.Grpc.Tests;

public sealed class GrpcTimeoutTests
{
    [Theory]
    [InlineData("1H", 3600_000_0000L)]
    [InlineData("2M", 120_000_0000L)]
    [InlineData("5S", 5_000_0000L)]
    [InlineData("250m", 250_0000L)]
    [InlineData("7u", 70L)]
    [InlineData("100n", 1L)]
    [InlineData("1n", 1L)]
    [InlineData("0S", 0L)]
    [InlineData("99999999m", 99999999_0000L)]
    public void TryParse_ValidValue_ReturnsTimeout(string value, long expectedTicks)
    {
        Assert.True(GrpcTimeout.TryParse(value, out var timeout));
        Assert.Equal(expectedTicks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("5")]
    [InlineData("5s")]
    [InlineData("5x")]
    [InlineData("-5S")]
    [InlineData("5 S")]
    [InlineData("123456789S")]
    [InlineData("1.5S")]
    public void TryParse_InvalidValue_ReturnsFalse(string value) =>
        Assert.False(GrpcTimeout.TryParse(value, out _));

    [Fact]
    public void TryParse_LargestHours_DoesNotOverflow()
    {
        Assert.True(GrpcTimeout.TryParse("99999999H", out var timeout));
        Assert.Equal(TimeSpan.FromHours(99999999), timeout);
    }

    [Theory]
    [InlineData(5_000L, "500000n")]
    [InlineData(5_000_0000L, "5000000u")]
    [InlineData(36_000_000_000L, "3600000m")]
    public void Format_Timeout_UsesFinestUnitWithinEightDigits(long ticks, string expected) =>
        Assert.Equal(expected, GrpcTimeout.Format(TimeSpan.FromTicks(ticks)));

    [Fact]
    public void Format_ZeroOrNegative_ReturnsZero() => Assert.Equal("0n", GrpcTimeout.Format(TimeSpan.FromSeconds(-1)));

    [Theory]
    [InlineData(1L)]
    [InlineData(12_345L)]
    [InlineData(9_999_999_999L)]
    [InlineData(864_000_000_000_000L)]
    public void Format_ThenParse_NeverShortensTheTimeout(long ticks)
    {
        var text = GrpcTimeout.Format(TimeSpan.FromTicks(ticks));
        Assert.InRange(text.Length, 2, 9);
        Assert.True(GrpcTimeout.TryParse(text, out var parsed));
        Assert.True(parsed.Ticks >= ticks, $"{text} parsed to {parsed.Ticks} ticks < {ticks}");
    }
}
