using EtcdNet.Server.Compaction;

namespace EtcdNet.Server.Tests.Compaction;

/// <summary>A store whose revision a test sets, recording the compactions asked of it.</summary>
public sealed class FakeCompactable : ICompactable
{
    private readonly List<long> _compacted = [];

    public long CurrentRevision { get; set; } = 1;

    /// <summary>When set, compactions fail with it (and are not recorded).</summary>
    public Exception? Failure { get; set; }

    public IReadOnlyList<long> Compacted
    {
        get
        {
            lock (_compacted) return _compacted.ToList();
        }
    }

    public Task CompactAsync(long revision, CancellationToken ct)
    {
        if (Failure is { } failure) return Task.FromException(failure);
        lock (_compacted) _compacted.Add(revision);
        return Task.CompletedTask;
    }
}
