using EtcdNet.Mvcc.Watch;

namespace EtcdNet.Mvcc.Tests.Watch;

public sealed class WatcherGroupTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Covering_RandomKeysAndRanges_MatchesBruteForce(int seed)
    {
        var random = new Random(seed);
        using var f = new WatchFixture();
        using WatchStream stream = f.Watchable.NewWatchStream();
        var group = new WatcherGroup();
        var watchers = new List<Watcher>();
        for (int i = 0; i < 300; i++)
        {
            byte[] key = RandomKey(random);
            byte[]? end = random.Next(3) switch
            {
                0 => null,
                1 => [],
                _ => RandomKey(random),
            };
            if (end is { Length: > 0 } && key.AsSpan().SequenceCompareTo(end) >= 0)
            {
                (key, end) = (end, key);
                if (key.AsSpan().SequenceEqual(end))
                {
                    end = null;
                }
            }
            var w = new Watcher(i + 1, new WatcherSpec { Key = key, End = end }, stream);
            group.Add(w);
            watchers.Add(w);
            if (random.Next(4) == 0)
            {
                Watcher gone = watchers[random.Next(watchers.Count)];
                Assert.True(group.Remove(gone), $"seed {seed}: remove failed");
                watchers.Remove(gone);
            }
        }

        var sets = new List<HashSet<Watcher>>();
        for (int probe = 0; probe < 2000; probe++)
        {
            byte[] key = RandomKey(random);
            sets.Clear();
            group.Covering(key, sets);
            var found = sets.SelectMany(s => s).Select(w => w.Id).Order().ToList();
            var expected = watchers.Where(w => w.Covers(key)).Select(w => w.Id).Order().ToList();
            Assert.True(expected.SequenceEqual(found), $"seed {seed}: key {Convert.ToHexString(key)}");
            Assert.Equal(expected.Count > 0, group.Contains(key));
        }
        Assert.Equal(watchers.Count, group.Count);
    }

    private static byte[] RandomKey(Random random)
    {
        var key = new byte[random.Next(1, 4)];
        for (int i = 0; i < key.Length; i++)
        {
            key[i] = (byte)random.Next(97, 101);
        }
        return key;
    }
}
