using EtcdNet.TestKit;

namespace EtcdNet.Auth.Tests;

public sealed class SimpleTokenProviderTests : IDisposable
{
    private readonly ManualTimeProvider _clock = new();
    private readonly SimpleTokenProvider _tokens;

    public SimpleTokenProviderTests()
    {
        _tokens = new SimpleTokenProvider(TimeSpan.FromSeconds(10), _clock);
        _tokens.Enable();
    }

    public void Dispose() => _tokens.Dispose();

    [Fact]
    public void Assign_ReturnsTheProposedToken_InfoResolvesIt_WithCurrentRevision()
    {
        string token = _tokens.Assign("u", 3, "abcdefghijklmnop.42");
        Assert.Equal("abcdefghijklmnop.42", token);
        Assert.Equal(new AuthInfo("u", 7), _tokens.Info(token, 7));
    }

    [Fact]
    public void Unused_ExpiresAfterTtl()
    {
        string token = _tokens.Assign("u", 1, "abcdefghijklmnop.1");
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.NotNull(_tokens.Info(token, 1)); // exactly at the deadline: still valid
        _clock.Advance(TimeSpan.FromSeconds(10.5));
        Assert.Null(_tokens.Info(token, 1));
    }

    [Fact]
    public void EachUse_RefreshesTheDeadline()
    {
        string token = _tokens.Assign("u", 1, "abcdefghijklmnop.1");
        for (int i = 0; i < 5; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(8));
            Assert.NotNull(_tokens.Info(token, 1));
        }
        _clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Null(_tokens.Info(token, 1));
    }

    [Fact]
    public void Sweep_RemovesExpiredTokensWithoutALookup()
    {
        _tokens.Assign("u", 1, "abcdefghijklmnop.1");
        _tokens.Assign("u", 1, "abcdefghijklmnop.2");
        Assert.Equal(2, _tokens.Count);
        _clock.Advance(TimeSpan.FromSeconds(12));
        Assert.Equal(0, _tokens.Count);
    }

    [Fact]
    public void InvalidateUser_DropsOnlyThatUsersTokens()
    {
        _tokens.Assign("u", 1, "abcdefghijklmnop.1");
        _tokens.Assign("v", 1, "abcdefghijklmnop.2");
        _tokens.InvalidateUser("u");
        Assert.Null(_tokens.Info("abcdefghijklmnop.1", 1));
        Assert.NotNull(_tokens.Info("abcdefghijklmnop.2", 1));
    }

    [Fact]
    public void Disable_ForgetsAll_AndAssignWhileDisabledIsNotRemembered()
    {
        _tokens.Assign("u", 1, "abcdefghijklmnop.1");
        _tokens.Disable();
        Assert.Null(_tokens.Info("abcdefghijklmnop.1", 1));
        _tokens.Assign("u", 1, "abcdefghijklmnop.2");
        _tokens.Enable();
        Assert.Null(_tokens.Info("abcdefghijklmnop.2", 1));
    }

    [Theory]
    [InlineData("nodot")]
    [InlineData("a.b")]
    [InlineData("a.1.2")]
    [InlineData("")]
    public void Info_MalformedToken_IsNull(string token) => Assert.Null(_tokens.Info(token, 1));

    [Fact]
    public void NonPositiveTtl_UsesEtcdsDefault() =>
        Assert.Equal(TimeSpan.FromSeconds(300), new SimpleTokenProvider(TimeSpan.Zero, _clock).Ttl);
}
