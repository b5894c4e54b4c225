namespace EtcdNet.Server.Apply;

/// <summary>
/// Unique request ids, as etcd's idutil lays them out: the member id's low 16 bits, then a 48-bit counter that
/// starts from the clock, so ids from different members or restarts do not collide.
/// </summary>
public sealed class RequestIdGenerator(ulong memberId, DateTimeOffset now)
{
    private const int CounterBits = 48;
    private readonly ulong _prefix = (memberId & 0xffff) << CounterBits;
    private long _counter = (now.ToUnixTimeMilliseconds() & 0xffffffffff) << 8;

    public ulong Next() => _prefix | ((ulong)Interlocked.Increment(ref _counter) & ((1UL << CounterBits) - 1));
}
