namespace EtcdNet.Robustness.Traffic;

/// <summary>How much traffic a run drives and over which keys.</summary>
public sealed record TrafficOptions
{
    /// <summary>Concurrent KV clients; each makes one request at a time.</summary>
    public int Clients { get; init; } = 6;

    /// <summary>Keys are KeyPrefix + 0 .. KeyCount-1, so that clients collide often.</summary>
    public int KeyCount { get; init; } = 10;

    /// <summary>The prefix every key the traffic touches starts with (and that watches cover).</summary>
    public string KeyPrefix { get; init; } = "key";

    /// <summary>Target rate of all clients together, in requests per second (bounds the checker's work).</summary>
    public double RequestsPerSecond { get; init; } = 120;

    /// <summary>Client-side deadline of one request; a request past it has an unknown outcome.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>TTL of granted leases: longer than a run, so that no lease expires while the history is recorded.</summary>
    public long LeaseTtl { get; init; } = 600;
}
