using EtcdNet.Raft.Tracker;

namespace EtcdNet.Raft.Tests.Tracker;

public sealed class ProgressTests
{
    [Theory]
    // state, match, next, rejected, last -> accepted, newNext
    [InlineData(ProgressState.StateReplicate, 5, 10, 5, 5, false, 10)] // stale: at or below match
    [InlineData(ProgressState.StateReplicate, 5, 10, 4, 4, false, 10)]
    [InlineData(ProgressState.StateReplicate, 5, 10, 9, 9, true, 6)] // back to match+1
    [InlineData(ProgressState.StateProbe, 0, 0, 0, 0, false, 0)] // next-1 != rejected: stale
    [InlineData(ProgressState.StateProbe, 0, 10, 5, 5, false, 10)]
    [InlineData(ProgressState.StateProbe, 0, 10, 9, 9, true, 9)] // min(rejected, last+1)
    [InlineData(ProgressState.StateProbe, 0, 10, 9, 2, true, 3)] // the follower's last index skips ahead
    [InlineData(ProgressState.StateProbe, 0, 2, 1, 0, true, 1)] // never below 1
    public void MaybeDecrTo_Rejection_MovesNextBackOrIgnoresStale(
        ProgressState state, ulong match, ulong next, ulong rejected, ulong last, bool accepted, ulong newNext)
    {
        var pr = new Progress(256) { Match = match, Next = next };
        if (state == ProgressState.StateReplicate)
        {
            pr.BecomeReplicate();
            pr.Next = next;
        }
        Assert.Equal(accepted, pr.MaybeDecrTo(rejected, last));
        Assert.Equal(newNext, pr.Next);
    }

    [Fact]
    public void BecomeProbe_FromSnapshot_ResumesAfterSnapshot()
    {
        var pr = new Progress(256) { Match = 1, Next = 5 };
        pr.BecomeSnapshot(10);
        Assert.True(pr.IsPaused);
        pr.BecomeProbe();
        Assert.Equal(11UL, pr.Next);
        Assert.Equal(ProgressState.StateProbe, pr.State);
    }

    [Fact]
    public void IsPaused_ProbeSentOrFullWindow_Pauses()
    {
        var pr = new Progress(1) { Match = 1, Next = 2 };
        Assert.False(pr.IsPaused);
        pr.ProbeSent = true;
        Assert.True(pr.IsPaused);
        pr.BecomeReplicate();
        Assert.False(pr.IsPaused);
        pr.Inflights.Add(5);
        Assert.True(pr.IsPaused);
    }

    [Fact]
    public void MaybeUpdate_StaleAck_ReturnsFalse()
    {
        var pr = new Progress(256) { Match = 5, Next = 6 };
        Assert.False(pr.MaybeUpdate(4));
        Assert.True(pr.MaybeUpdate(7));
        Assert.Equal(7UL, pr.Match);
        Assert.Equal(8UL, pr.Next);
    }
}
