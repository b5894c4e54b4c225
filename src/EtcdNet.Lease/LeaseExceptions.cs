namespace EtcdNet.Lease;

/// <summary>Errors of the lessor; the server maps each to etcd's status and message.</summary>
public abstract class LeaseException(string message) : Exception(message);

/// <summary>No such lease (never granted, revoked, or expired). etcd's ErrLeaseNotFound.</summary>
public sealed class LeaseNotFoundException(long id) : LeaseException($"lease {id:x16} not found")
{
    public long LeaseId { get; } = id;
}

/// <summary>A grant for an id that is already in use. etcd's ErrLeaseExists.</summary>
public sealed class LeaseExistsException(long id) : LeaseException($"lease {id:x16} already exists");

/// <summary>A TTL above <see cref="Lessor.MaxTtl"/>. etcd's ErrLeaseTTLTooLarge.</summary>
public sealed class LeaseTtlTooLargeException() : LeaseException("too large lease TTL");

/// <summary>Only the primary (the leader) renews leases and decides expiry. etcd's ErrNotPrimary.</summary>
public sealed class NotPrimaryException() : LeaseException("not a primary lessor");
