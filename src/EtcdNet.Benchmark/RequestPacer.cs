using System.Diagnostics;

namespace EtcdNet.Benchmark;

/// <summary>Spaces requests evenly at a fixed rate shared by all clients (a token bucket with a burst of one).</summary>
public sealed class RequestPacer
{
    private readonly long interval;
    private long next;

    /// <summary>Creates a pacer for <paramref name="perSecond"/> requests per second.</summary>
    public RequestPacer(double perSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        interval = Math.Max(1, (long)(Stopwatch.Frequency / perSecond));
        next = Stopwatch.GetTimestamp();
    }

    /// <summary>Claims the next free slot and waits until it comes.</summary>
    public Task WaitTurnAsync(CancellationToken ct)
    {
        long now = Stopwatch.GetTimestamp();
        long slot;
        long current = Volatile.Read(ref next);
        while (true)
        {
            // A slot left unused in the past is not banked: an idle pacer does not allow a burst later.
            slot = Math.Max(current, now);
            long seen = Interlocked.CompareExchange(ref next, slot + interval, current);
            if (seen == current)
            {
                break;
            }

            current = seen;
        }

        var wait = Stopwatch.GetElapsedTime(now, slot);
        // Timers are only good to about a millisecond; below that, going now keeps the average rate honest.
        return wait < TimeSpan.FromMilliseconds(1) ? Task.CompletedTask : Task.Delay(wait, ct);
    }
}
