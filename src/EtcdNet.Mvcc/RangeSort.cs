using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Api.Mvccpb;

namespace EtcdNet.Mvcc;

/// <summary>Sorting of range results by a target. Ties keep key order, in both directions, as etcd's sort does for small results.</summary>
internal static class RangeSort
{
    public static void Sort(List<KeyValue> kvs, RangeRequest.Types.SortTarget target, bool descend)
    {
        var items = new (KeyValue Kv, int Pos)[kvs.Count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = (kvs[i], i);
        }
        int sign = descend ? -1 : 1;
        Array.Sort(items, (a, b) =>
        {
            int c = sign * Compare(a.Kv, b.Kv, target);
            return c != 0 ? c : a.Pos.CompareTo(b.Pos);
        });
        for (int i = 0; i < items.Length; i++)
        {
            kvs[i] = items[i].Kv;
        }
    }

    private static int Compare(KeyValue a, KeyValue b, RangeRequest.Types.SortTarget target) => target switch
    {
        RangeRequest.Types.SortTarget.Version => a.Version.CompareTo(b.Version),
        RangeRequest.Types.SortTarget.Create => a.CreateRevision.CompareTo(b.CreateRevision),
        RangeRequest.Types.SortTarget.Mod => a.ModRevision.CompareTo(b.ModRevision),
        RangeRequest.Types.SortTarget.Value => a.Value.Span.SequenceCompareTo(b.Value.Span),
        _ => a.Key.Span.SequenceCompareTo(b.Key.Span),
    };
}
