namespace EtcdNet.Raft.Tracker;

/// <summary>
/// The sliding window of append messages sent to a follower but not yet acknowledged, recorded by the
/// last index each one carries. A ring buffer that grows lazily up to its capacity, so an idle
/// follower costs nothing and a busy one allocates once.
/// </summary>
public sealed class Inflights
{
    private readonly int _size;
    private int _start;
    private ulong[] _buffer = [];

    /// <summary>Creates a window of at most size messages.</summary>
    public Inflights(int size) => _size = size;

    /// <summary>Messages in flight.</summary>
    public int Count { get; private set; }

    /// <summary>Whether no more messages may be sent.</summary>
    public bool Full => Count == _size;

    /// <summary>The window's capacity.</summary>
    public int Capacity => _size;

    /// <summary>Records a message carrying entries up to inflight (indexes must increase).</summary>
    public void Add(ulong inflight)
    {
        if (Full) throw new InvalidOperationException("cannot add into a Full inflights");
        var next = _start + Count;
        if (next >= _size) next -= _size;
        if (next >= _buffer.Length) Grow();
        _buffer[next] = inflight;
        Count++;
    }

    private void Grow()
    {
        var newSize = _buffer.Length * 2;
        if (newSize == 0) newSize = 1;
        else if (newSize > _size) newSize = _size;
        var b = new ulong[newSize];
        Array.Copy(_buffer, b, _buffer.Length);
        _buffer = b;
    }

    /// <summary>Frees every message whose last index is at most to.</summary>
    public void FreeLE(ulong to)
    {
        if (Count == 0 || to < _buffer[_start]) return;
        var idx = _start;
        int i;
        for (i = 0; i < Count; i++)
        {
            if (to < _buffer[idx]) break;
            if (++idx >= _size) idx -= _size;
        }
        Count -= i;
        _start = idx;
        if (Count == 0) _start = 0; // keep the buffer's front in use to avoid growing needlessly
    }

    /// <summary>Frees the oldest message (a heartbeat response proves the follower is alive).</summary>
    public void FreeFirstOne()
    {
        if (Count > 0) FreeLE(_buffer[_start]);
    }

    /// <summary>Forgets everything in flight.</summary>
    public void Reset()
    {
        Count = 0;
        _start = 0;
    }
}
