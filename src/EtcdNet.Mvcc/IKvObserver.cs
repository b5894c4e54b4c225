using EtcdNet.Api.Mvccpb;

namespace EtcdNet.Mvcc;

/// <summary>Told about every write transaction that changed something (the feed Watch is built on).</summary>
public interface IKvObserver
{
    /// <summary>
    /// Called on the apply thread after <paramref name="revision"/> became visible to Range, with the txn's
    /// events in order. A DELETE event's kv carries the key and mod_revision only; prev_kv is not filled.
    /// </summary>
    void OnCommitted(long revision, IReadOnlyList<Event> events);
}
