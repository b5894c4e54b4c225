namespace EtcdNet.Robustness.History;

/// <summary>etcd's key-range rules: a single key, [key, end), or every key from key on when end is "\0".</summary>
public static class KeyRange
{
    /// <summary>The range end that selects every key starting with <paramref name="prefix"/> (etcd's GetPrefixRangeEnd).</summary>
    public static string PrefixEnd(string prefix)
    {
        var chars = prefix.ToCharArray();
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            if (chars[i] < char.MaxValue)
            {
                chars[i]++;
                return new string(chars, 0, i + 1);
            }
        }
        // Every character is the maximum: no upper bound, so the range runs to the end of the keyspace.
        return "\0";
    }

    /// <summary>True when <paramref name="key"/> falls in the range given by a start key and optional range end.</summary>
    public static bool Contains(string start, string? end, string key)
    {
        if (string.IsNullOrEmpty(end))
        {
            return string.Equals(start, key, StringComparison.Ordinal);
        }
        if (end == "\0")
        {
            return string.CompareOrdinal(key, start) >= 0;
        }
        return string.CompareOrdinal(key, start) >= 0 && string.CompareOrdinal(key, end) < 0;
    }
}
