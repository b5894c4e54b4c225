using EtcdNet.Api.Authpb;

namespace EtcdNet.Auth;

/// <summary>One user's permissions merged over all their roles: what they may read and what they may write (etcd's unifiedRangePermissions).</summary>
public sealed class RangePermissions
{
    private RangePermissions(KeyIntervalSet read, KeyIntervalSet write)
    {
        Read = read;
        Write = write;
    }

    /// <summary>Keys the user may read.</summary>
    public KeyIntervalSet Read { get; }

    /// <summary>Keys the user may write.</summary>
    public KeyIntervalSet Write { get; }

    /// <summary>Merges the permissions of every role; READWRITE counts for both sets.</summary>
    public static RangePermissions Merge(IEnumerable<Permission> permissions)
    {
        var read = new List<KeyInterval>();
        var write = new List<KeyInterval>();
        foreach (Permission p in permissions)
        {
            KeyInterval interval = KeyInterval.FromRange(p.Key.Span, p.RangeEnd.Span);
            if (p.PermType is Permission.Types.Type.Read or Permission.Types.Type.Readwrite) read.Add(interval);
            if (p.PermType is Permission.Types.Type.Write or Permission.Types.Type.Readwrite) write.Add(interval);
        }
        return new RangePermissions(new KeyIntervalSet(read), new KeyIntervalSet(write));
    }

    /// <summary>
    /// Whether the user may access the key (no range end) or the range: a range end of "\0" means from the key to the
    /// end of the keyspace, as in the request.
    /// </summary>
    public bool Permits(bool write, ReadOnlySpan<byte> key, ReadOnlySpan<byte> rangeEnd)
    {
        KeyIntervalSet set = write ? Write : Read;
        if (rangeEnd.IsEmpty) return set.ContainsKey(key);
        byte[]? end = rangeEnd.Length == 1 && rangeEnd[0] == 0 ? null : rangeEnd.ToArray();
        return set.ContainsRange(key, end);
    }
}
