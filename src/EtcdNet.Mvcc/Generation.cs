namespace EtcdNet.Mvcc;

/// <summary>One life of a key: from the put that created it to the tombstone that ended it (or to now).</summary>
public sealed class Generation
{
    /// <summary>Number of puts in this life, counting those compacted away: the key's version at its last revision.</summary>
    public long Version { get; internal set; }

    /// <summary>Revision of the put that created the key in this life.</summary>
    public Revision Created { get; internal set; }

    /// <summary>Revisions still indexed, ascending; a finished generation's last one is its tombstone.</summary>
    public List<Revision> Revisions { get; } = [];

    /// <summary>True for the open generation after a tombstone (no put yet).</summary>
    public bool IsEmpty => Revisions.Count == 0;

    /// <inheritdoc />
    public override string ToString() => $"g: created[{Created}] ver[{Version}], revs [{string.Join(", ", Revisions)}]";
}
