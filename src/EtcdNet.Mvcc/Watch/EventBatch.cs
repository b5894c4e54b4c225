using EtcdNet.Api.Mvccpb;

namespace EtcdNet.Mvcc.Watch;

/// <summary>
/// History collected for one catching-up watcher (etcd's eventBatch): events in revision order, at most
/// <c>maxRevisions</c> distinct revisions, never part of one; <see cref="MoreRev"/> is where the next batch starts.
/// </summary>
internal sealed class EventBatch(int maxRevisions)
{
    private int _revisions;

    public List<Event> Events { get; } = [];

    /// <summary>First revision left out because the batch was full; 0 when nothing was.</summary>
    public long MoreRev { get; private set; }

    public void Add(Event e)
    {
        if (MoreRev != 0)
        {
            return;
        }
        long rev = e.Kv.ModRevision;
        if (Events.Count == 0 || rev > Events[^1].Kv.ModRevision)
        {
            if (_revisions == maxRevisions)
            {
                MoreRev = rev;
                return;
            }
            _revisions++;
        }
        Events.Add(e);
    }
}
