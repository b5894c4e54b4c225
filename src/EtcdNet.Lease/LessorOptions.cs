namespace EtcdNet.Lease;

/// <summary>How the lessor is set up by the server.</summary>
public sealed class LessorOptions
{
    /// <summary>TTLs below this are raised to it: etcd uses 1.5 election timeouts, rounded up to whole seconds.</summary>
    public long MinTtl { get; init; } = 2;

    /// <summary>How long an expired lease waits before its revoke is proposed again if the first one got lost.</summary>
    public TimeSpan RevokeRetry { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Persist checkpointed remaining TTLs (etcd's --experimental-enable-lease-checkpoint-persist).</summary>
    public bool PersistCheckpoints { get; init; }
}
