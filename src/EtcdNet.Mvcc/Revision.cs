using EtcdNet.Storage.Schema;

namespace EtcdNet.Mvcc;

/// <summary>
/// A point in the store's history: <see cref="Main"/> is the revision of a write transaction, <see cref="Sub"/>
/// the position of a change within it. Owns its 17-byte backend key (see <see cref="RevisionKey"/>).
/// </summary>
public readonly record struct Revision(long Main, long Sub) : IComparable<Revision>
{
    /// <summary>Compares by main, then sub.</summary>
    public int CompareTo(Revision other)
    {
        int c = Main.CompareTo(other.Main);
        return c != 0 ? c : Sub.CompareTo(other.Sub);
    }

    /// <summary>True when this revision is later than <paramref name="other"/>.</summary>
    public bool GreaterThan(Revision other) => CompareTo(other) > 0;

    /// <summary>Writes the 17-byte key into <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination) => RevisionKey.Write(Main, Sub, destination);

    /// <summary>The backend key of this revision; with the tombstone mark when <paramref name="tombstone"/>.</summary>
    public byte[] ToBytes(bool tombstone = false) => RevisionKey.Encode(Main, Sub, tombstone);

    /// <summary>Reads a revision from a backend key (plain or tombstone).</summary>
    public static Revision FromBytes(ReadOnlySpan<byte> key)
    {
        (long main, long sub) = RevisionKey.Decode(key);
        return new Revision(main, sub);
    }

    /// <summary>True when a backend key is a tombstone's.</summary>
    public static bool IsTombstone(ReadOnlySpan<byte> key) => RevisionKey.IsTombstone(key);

    /// <inheritdoc />
    public static bool operator <(Revision a, Revision b) => a.CompareTo(b) < 0;

    /// <inheritdoc />
    public static bool operator >(Revision a, Revision b) => a.CompareTo(b) > 0;

    /// <inheritdoc />
    public static bool operator <=(Revision a, Revision b) => a.CompareTo(b) <= 0;

    /// <inheritdoc />
    public static bool operator >=(Revision a, Revision b) => a.CompareTo(b) >= 0;
}
