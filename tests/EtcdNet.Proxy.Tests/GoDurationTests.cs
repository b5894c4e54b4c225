using EtcdNet.Proxy;

namespace EtcdNet.Proxy.Tests;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("5s", 5_000)]
    [InlineData("100ms", 100)]
    [InlineData("1.5s", 1_500)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("+2s", 2_000)]
    [InlineData("-2s", -2_000)]
    [InlineData("0", 0)]
    [InlineData(".5s", 500)]
    [InlineData("1.s", 1_000)]
    [InlineData("1000us", 1)]
    [InlineData("1000µs", 1)]
    [InlineData("1000000ns", 1)]
    public void TryParse_GoDuration_ReturnsValue(string text, long milliseconds)
    {
        Assert.True(GoDuration.TryParse(text, out var value, out var error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("", "time: invalid duration \"\"")]
    [InlineData("abc", "time: invalid duration \"abc\"")]
    [InlineData("-", "time: invalid duration \"-\"")]
    [InlineData(".s", "time: invalid duration \".s\"")]
    [InlineData("5", "time: missing unit in duration \"5\"")]
    [InlineData("5x", "time: unknown unit \"x\" in duration \"5x\"")]
    [InlineData("1s2", "time: missing unit in duration \"1s2\"")]
    public void TryParse_BadText_ReturnsGoError(string text, string expected)
    {
        Assert.False(GoDuration.TryParse(text, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(5_000_000_000L, "5s")]
    [InlineData(100_000_000L, "100ms")]
    [InlineData(1_500L, "1.5µs")]
    [InlineData(500L, "500ns")]
    [InlineData(4_950_000_000L, "4.95s")]
    [InlineData(60_000_000_000L, "1m0s")]
    [InlineData(3_600_000_000_000L, "1h0m0s")]
    [InlineData(7_384_500_000_000L, "2h3m4.5s")]
    [InlineData(-2_000_000_000L, "-2s")]
    [InlineData(5_012_345_600L, "5.0123456s")]
    public void Format_Nanoseconds_PrintsAsGo(long nanoseconds, string expected) =>
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromTicks(nanoseconds / 100)));
}
