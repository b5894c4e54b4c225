using EtcdNet.Raft.Quorum;
using Xunit.Abstractions;

namespace EtcdNet.Raft.Tests.Quorum;

public sealed class MajorityConfigTests(ITestOutputHelper output)
{
    private sealed class MapAcked(Dictionary<ulong, ulong> acked) : IAckedIndexer
    {
        public bool TryGetAckedIndex(ulong voterId, out ulong index) => acked.TryGetValue(voterId, out index);
    }

    // The dumb definition: the largest index such that a majority of voters acked at least it.
    private static ulong NaiveCommitted(IReadOnlyList<ulong> voters, Dictionary<ulong, ulong> acked)
    {
        if (voters.Count == 0) return ulong.MaxValue;
        var candidates = voters.Select(v => acked.GetValueOrDefault(v)).Append(0UL).Distinct().OrderDescending();
        foreach (var idx in candidates)
        {
            var count = voters.Count(v => acked.GetValueOrDefault(v) >= idx);
            if (count >= voters.Count / 2 + 1) return idx;
        }
        return 0;
    }

    [Fact]
    public void CommittedIndex_RandomConfigs_MatchesNaiveReference()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed={seed}");
        var rng = new Random(seed);
        for (var i = 0; i < 20000; i++)
        {
            var n = rng.Next(0, 8);
            var voters = Enumerable.Range(1, 10).Select(x => (ulong)x).OrderBy(_ => rng.Next()).Take(n).ToList();
            var acked = new Dictionary<ulong, ulong>();
            foreach (var id in Enumerable.Range(1, 10).Select(x => (ulong)x))
            {
                // Some voters have no entry at all (acked nothing), some share indexes.
                if (rng.Next(5) > 0) acked[id] = (ulong)rng.Next(0, 6);
            }
            var got = new MajorityConfig(voters).CommittedIndex(new MapAcked(acked));
            var want = NaiveCommitted(voters, acked);
            Assert.True(want == got, $"seed={seed} case {i}: voters=({string.Join(",", voters)}) acked=" +
                $"{string.Join(",", acked.Select(kv => $"{kv.Key}:{kv.Value}"))} got {got} want {want}");
        }
    }

    [Theory]
    [InlineData(new ulong[] { }, "", VoteResult.VoteWon)]
    [InlineData(new ulong[] { 1 }, "", VoteResult.VotePending)]
    [InlineData(new ulong[] { 1 }, "1y", VoteResult.VoteWon)]
    [InlineData(new ulong[] { 1 }, "1n", VoteResult.VoteLost)]
    [InlineData(new ulong[] { 1, 2, 3 }, "1y", VoteResult.VotePending)]
    [InlineData(new ulong[] { 1, 2, 3 }, "1y 2n", VoteResult.VotePending)]
    [InlineData(new ulong[] { 1, 2, 3 }, "1y 2y", VoteResult.VoteWon)]
    [InlineData(new ulong[] { 1, 2, 3 }, "1n 2n", VoteResult.VoteLost)]
    [InlineData(new ulong[] { 1, 2, 3, 4 }, "1y 2y", VoteResult.VotePending)]
    [InlineData(new ulong[] { 1, 2, 3, 4 }, "1y 2y 3n 4n", VoteResult.VoteLost)]
    [InlineData(new ulong[] { 1, 2, 3 }, "1y 4y 5y", VoteResult.VotePending)]
    public void VoteResult_Votes_DecidesByMajorityOfVotersOnly(ulong[] voters, string votes, VoteResult want)
    {
        var map = votes.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(v => ulong.Parse(v[..^1]), v => v[^1] == 'y');
        Assert.Equal(want, new MajorityConfig(voters).VoteResult(map));
    }
}
