namespace EtcdNet.Benchmark.WatchLoad;

/// <summary>
/// What one watcher received, judged by revision: each event of its key must arrive once, in revision order.
/// A revision seen before is a duplicate; a new revision lower than the highest seen so far arrived out of order.
/// Not thread-safe: a watcher's events all come from its stream's single reader.
/// </summary>
public sealed class WatcherLedger
{
    private readonly HashSet<long> _seen = [];
    private long _highest;

    /// <summary>Creates the ledger of a watcher on key number <paramref name="keyIndex"/>.</summary>
    public WatcherLedger(int keyIndex) => KeyIndex = keyIndex;

    /// <summary>Which of the run's keys this watcher watches.</summary>
    public int KeyIndex { get; }

    /// <summary>Events received, duplicates included.</summary>
    public long Received { get; private set; }

    /// <summary>Events whose revision this watcher had already received.</summary>
    public long Duplicated { get; private set; }

    /// <summary>Events that arrived after an event with a higher revision.</summary>
    public long OutOfOrder { get; private set; }

    /// <summary>Records an event with mod revision <paramref name="revision"/>.</summary>
    public void Record(long revision)
    {
        Received++;
        if (!_seen.Add(revision))
        {
            Duplicated++;
            return;
        }

        if (revision < _highest) OutOfOrder++;
        else _highest = revision;
    }

    /// <summary>How many of <paramref name="expectedRevisions"/> never arrived.</summary>
    public long CountMissed(IEnumerable<long> expectedRevisions) => expectedRevisions.Count(r => !_seen.Contains(r));

    /// <summary>Whether the revision has arrived.</summary>
    public bool HasSeen(long revision) => _seen.Contains(revision);
}
