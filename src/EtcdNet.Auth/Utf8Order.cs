using System.Text;

namespace EtcdNet.Auth;

/// <summary>Orders names by their UTF-8 bytes, the order etcd's Go code (sort.Strings, bolt buckets) keeps them in.</summary>
internal sealed class Utf8Order : IComparer<string>
{
    public static Utf8Order Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        return Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y));
    }
}
