namespace EtcdNet.Proxy;

/// <summary>The faults injected into one direction of the proxy (tx: from→to, rx: to→from): latency, pause, blackhole.</summary>
/// <remarks>
/// Shared by every connection of the proxy, so one control call affects all connections, open and future, as in
/// etcd's proxy. Reads are lock-free; pause and unpause swap a gate under a lock.
/// </remarks>
public sealed class TrafficControl
{
    private readonly Lock _gateLock = new();
    private TaskCompletionSource _flowing = NewOpenGate();
    private long _latencyTicks;
    private volatile bool _blackholed;

    /// <summary>The latency every chunk of data waits before it is forwarded (zero: none).</summary>
    public TimeSpan Latency => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));

    /// <summary>True while data is held rather than forwarded.</summary>
    public bool IsPaused => !Volatile.Read(ref _flowing).Task.IsCompleted;

    /// <summary>True while data is read and dropped.</summary>
    public bool IsBlackholed => _blackholed;

    /// <summary>
    /// Sets the latency to <paramref name="latency"/> plus or minus a random amount below <paramref name="randomVariable"/>,
    /// drawn once here (not per chunk), as etcd's proxy does. A latency of zero or less changes nothing; a random variable
    /// larger than the latency is cut to a tenth of it, so the result stays positive.
    /// </summary>
    public void Delay(TimeSpan latency, TimeSpan randomVariable)
    {
        if (latency <= TimeSpan.Zero) return;
        Interlocked.Exchange(ref _latencyTicks, ComputeLatency(latency, randomVariable, Random.Shared).Ticks);
    }

    /// <summary>Removes the latency and returns what it was.</summary>
    public TimeSpan Undelay() => TimeSpan.FromTicks(Interlocked.Exchange(ref _latencyTicks, 0));

    /// <summary>Holds data from now on (one chunk already read per connection waits too) until <see cref="Unpause"/>.</summary>
    public void Pause()
    {
        lock (_gateLock)
        {
            if (_flowing.Task.IsCompleted) Volatile.Write(ref _flowing, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
    }

    /// <summary>Releases held data; does nothing when not paused.</summary>
    public void Unpause()
    {
        lock (_gateLock)
        {
            _flowing.TrySetResult();
        }
    }

    /// <summary>Drops data from now on; connections stay open, so peers see silence rather than a reset.</summary>
    public void Blackhole() => _blackholed = true;

    /// <summary>Forwards data again (a byte stream that lost data in between is usually unusable, so peers reconnect).</summary>
    public void Unblackhole() => _blackholed = false;

    /// <summary>Completes when data may flow (at once unless paused).</summary>
    public Task WaitFlowingAsync(CancellationToken cancellationToken)
    {
        var gate = Volatile.Read(ref _flowing).Task;
        return gate.IsCompleted ? Task.CompletedTask : gate.WaitAsync(cancellationToken);
    }

    /// <summary>latency ± a uniform random amount in [0, randomVariable), with etcd's rules for odd inputs.</summary>
    public static TimeSpan ComputeLatency(TimeSpan latency, TimeSpan randomVariable, Random random)
    {
        if (randomVariable == TimeSpan.Zero) return latency;
        if (randomVariable < TimeSpan.Zero) randomVariable = randomVariable.Negate();
        if (randomVariable > latency) randomVariable = latency / 10;
        if (randomVariable.Ticks == 0) return latency;
        var offset = random.NextInt64(randomVariable.Ticks);
        return TimeSpan.FromTicks(latency.Ticks + (random.Next(2) == 0 ? -offset : offset));
    }

    private static TaskCompletionSource NewOpenGate()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }
}
