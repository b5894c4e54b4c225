using System.Text;

namespace EtcdNet.Auth.Tests;

public sealed class KeyIntervalSetTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static KeyInterval I(string begin, string? end) => new(B(begin), end is null ? null : B(end));

    private static string Show(KeyIntervalSet set) =>
        string.Join(" ", set.Runs.Select(r => $"[{Encoding.UTF8.GetString(r.Begin)},{(r.End is null ? "∞" : Encoding.UTF8.GetString(r.End))})"));

    [Fact]
    public void Merge_OverlappingAndTouching_BecomeOneRun()
    {
        var set = new KeyIntervalSet([I("c", "e"), I("a", "b"), I("b", "c"), I("d", "f"), I("x", "y")]);
        Assert.Equal("[a,f) [x,y)", Show(set));
    }

    [Fact]
    public void Merge_ContainedInterval_IsAbsorbed()
    {
        var set = new KeyIntervalSet([I("a", "z"), I("c", "d"), I("m", null), I("n", "o")]);
        Assert.Equal("[a,∞)", Show(set));
    }

    [Fact]
    public void Merge_EmptyAndInvertedIntervals_AreDropped()
    {
        var set = new KeyIntervalSet([I("b", "a"), I("c", "c"), I("", "z"), I("k", "l")]);
        Assert.Equal("[k,l)", Show(set));
    }

    [Fact]
    public void Merge_GapOfOneKey_StaysTwoRuns()
    {
        // [a, b) and [b\0, c) leave the key "b" uncovered.
        var set = new KeyIntervalSet([I("a", "b"), I("b\0", "c")]);
        Assert.Equal(2, set.Runs.Count);
        Assert.False(set.ContainsKey(B("b")));
        Assert.True(set.ContainsKey(B("b\0")));
        Assert.False(set.ContainsRange(B("a"), B("c")));
    }

    [Theory]
    [InlineData("a", false)]
    [InlineData("b", true)]
    [InlineData("bzzz", true)]
    [InlineData("c", false)]
    [InlineData("m", true)]
    [InlineData("zzzz", true)]
    [InlineData("", false)]
    public void ContainsKey_Lookup(string key, bool expected)
    {
        var set = new KeyIntervalSet([I("b", "c"), I("m", null)]);
        Assert.Equal(expected, set.ContainsKey(B(key)));
    }

    [Theory]
    [InlineData("b", "c", true)]
    [InlineData("b", "bb", true)]
    [InlineData("a", "c", false)]  // starts before the run
    [InlineData("b", "d", false)]  // runs past its end
    [InlineData("b", null, false)] // to the end of the keyspace
    [InlineData("m", null, true)]
    [InlineData("n", "zz", true)]
    [InlineData("c", "m", false)]  // the gap
    public void ContainsRange_Lookup(string key, string? end, bool expected)
    {
        var set = new KeyIntervalSet([I("b", "c"), I("m", null)]);
        Assert.Equal(expected, set.ContainsRange(B(key), end is null ? null : B(end)));
    }

    [Fact]
    public void ContainsRange_AcrossMergedPieces_IsCovered()
    {
        var set = new KeyIntervalSet([I("a", "c"), I("c", "e"), I("b", "g")]);
        Assert.True(set.ContainsRange(B("a"), B("g")));
        Assert.False(set.ContainsRange(B("a"), B("h")));
    }

    [Fact]
    public void Empty_ContainsNothing()
    {
        var set = new KeyIntervalSet([]);
        Assert.False(set.ContainsKey(B("a")));
        Assert.False(set.ContainsRange(B("a"), null));
    }

    [Fact]
    public void Point_IsExactlyOneKey()
    {
        var set = new KeyIntervalSet([KeyInterval.Point(B("foo"))]);
        Assert.True(set.ContainsKey(B("foo")));
        Assert.False(set.ContainsKey(B("foo\0")));
        Assert.False(set.ContainsKey(B("fo")));
        Assert.True(set.ContainsRange(B("foo"), B("foo\0")));
        Assert.False(set.ContainsRange(B("foo"), B("foo\0\0")));
    }
}
