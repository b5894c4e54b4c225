using EtcdNet.Storage;
using EtcdNet.TestKit;

namespace EtcdNet.Lease.Tests;

public sealed class LessorTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly ManualTimeProvider _clock = new();
    private Backend _backend;
    private Lessor _lessor;

    public LessorTests()
    {
        _backend = Backend.Open(Path.Combine(_dir.Path, "db"));
        _lessor = NewLessor();
    }

    private Lessor NewLessor() => new(_backend, _clock, new LessorOptions { MinTtl = 2 });

    public void Dispose()
    {
        _backend.Dispose();
        _dir.Dispose();
    }

    private static ReadOnlyMemory<byte> K(string s) => System.Text.Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Grant_BelowMinimum_IsRaised_AndDuplicateIdRefused()
    {
        Assert.Equal(2, _lessor.Grant(1, 1).Ttl);
        Assert.Equal(100, _lessor.Grant(2, 100).Ttl);
        Assert.Throws<LeaseExistsException>(() => _lessor.Grant(1, 10));
        Assert.Throws<LeaseTtlTooLargeException>(() => _lessor.Grant(3, Lessor.MaxTtl + 1));
        Assert.Equal([1L, 2L], _lessor.Leases());
    }

    [Fact]
    public void Expiry_OnlyOnThePrimary_InExpiryOrder()
    {
        _lessor.Grant(1, 10);
        _lessor.Grant(2, 5);
        _clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Empty(_lessor.TakeExpired()); // not primary: nothing ever expires here

        _lessor.Promote(TimeSpan.Zero);
        _clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Empty(_lessor.TakeExpired());
        _clock.Advance(TimeSpan.FromSeconds(7));
        Assert.Equal([2L, 1L], _lessor.TakeExpired());
        Assert.Empty(_lessor.TakeExpired()); // reported once, then again only after the retry delay
        _clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(2, _lessor.TakeExpired().Count);
    }

    [Fact]
    public void Renew_ExtendsFromNow_AndExpiredLeaseIsNotFound()
    {
        _lessor.Promote(TimeSpan.Zero);
        _lessor.Grant(1, 10);
        _clock.Advance(TimeSpan.FromSeconds(8));
        Assert.Equal(10, _lessor.Renew(1));
        _clock.Advance(TimeSpan.FromSeconds(8));
        Assert.Empty(_lessor.TakeExpired());
        Assert.Equal(2, _lessor.Lookup(1)!.RemainingTtl);
        _clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Throws<LeaseNotFoundException>(() => _lessor.Renew(1));
        Assert.Throws<LeaseNotFoundException>(() => _lessor.Renew(99));
    }

    [Fact]
    public void Renew_OnANonPrimary_IsRefused()
    {
        _lessor.Grant(1, 10);
        Assert.Throws<NotPrimaryException>(() => _lessor.Renew(1));
    }

    [Fact]
    public void Revoke_ReturnsAttachedKeysSorted_AndForgetsTheLease()
    {
        _lessor.Grant(1, 10);
        _lessor.Attach(1, K("b"));
        _lessor.Attach(1, K("a"));
        _lessor.Attach(1, K("c"));
        _lessor.Detach(1, K("c"));
        var keys = _lessor.Revoke(1);
        Assert.Equal(["a", "b"], keys.Select(k => System.Text.Encoding.UTF8.GetString(k)));
        Assert.False(_lessor.Exists(1));
        Assert.Throws<LeaseNotFoundException>(() => _lessor.Revoke(1));
    }

    [Fact]
    public void Restart_RestoresLeases_AndANewPrimaryExtendsThem()
    {
        _lessor.Promote(TimeSpan.Zero);
        _lessor.Grant(1, 10);
        _lessor.Grant(2, 30);
        _lessor.Revoke(2);
        _backend.Commit();
        _clock.Advance(TimeSpan.FromSeconds(9));

        _backend.Dispose();
        _backend = Backend.Open(Path.Combine(_dir.Path, "db"));
        _lessor = NewLessor();
        Assert.Equal([1L], _lessor.Leases());
        // Restarted as primary with a 1 s extension: the lease gets its whole TTL again plus the extension,
        // rather than expiring for the time the member was down.
        _lessor.Promote(TimeSpan.FromSeconds(1));
        _clock.Advance(TimeSpan.FromSeconds(10.5));
        Assert.Empty(_lessor.TakeExpired());
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([1L], _lessor.TakeExpired());
    }

    [Fact]
    public void Checkpoint_RemainingTtl_IsWhereANewPrimaryResumes()
    {
        _lessor.Grant(1, 100);
        _lessor.Checkpoint(1, 20);
        _lessor.Promote(TimeSpan.Zero);
        Assert.Equal(20, _lessor.Lookup(1)!.RemainingTtl);
        _clock.Advance(TimeSpan.FromSeconds(21));
        Assert.Equal([1L], _lessor.TakeExpired());
    }

    [Fact]
    public void Demote_StopsExpiry()
    {
        _lessor.Promote(TimeSpan.Zero);
        _lessor.Grant(1, 5);
        _lessor.Demote();
        _clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Empty(_lessor.TakeExpired());
    }
}
