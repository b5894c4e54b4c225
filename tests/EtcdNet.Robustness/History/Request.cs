using System.Text.Json.Serialization;

namespace EtcdNet.Robustness.History;

/// <summary>A client request as the robustness history records it, modelled on etcd's robustness model.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(RangeRequest), "range")]
[JsonDerivedType(typeof(PutRequest), "put")]
[JsonDerivedType(typeof(DeleteRequest), "delete")]
[JsonDerivedType(typeof(TxnRequest), "txn")]
[JsonDerivedType(typeof(LeaseGrantRequest), "lease-grant")]
[JsonDerivedType(typeof(LeaseRevokeRequest), "lease-revoke")]
[JsonDerivedType(typeof(CompactRequest), "compact")]
public abstract record Request
{
    /// <summary>True when the request can change the store (and so may have taken effect when its outcome is unknown).</summary>
    [JsonIgnore]
    public abstract bool IsWrite { get; }
}

/// <summary>A Range: one key, or [Key, RangeEnd) ("\0" as RangeEnd means every key from Key on).</summary>
/// <param name="Revision">0 for the latest revision, otherwise a past revision to read at.</param>
/// <param name="Limit">0 for no limit.</param>
/// <param name="Serializable">A serializable read may be served from a lagging member's state.</param>
public sealed record RangeRequest(string Key, string? RangeEnd = null, long Revision = 0, long Limit = 0, bool Serializable = false) : Request
{
    /// <inheritdoc />
    [JsonIgnore]
    public override bool IsWrite => false;

    /// <summary>A Range over every key that starts with <paramref name="prefix"/>.</summary>
    public static RangeRequest Prefix(string prefix, long revision = 0, long limit = 0, bool serializable = false) =>
        new(prefix, KeyRange.PrefixEnd(prefix), revision, limit, serializable);
}

/// <summary>A Put of one key; <paramref name="Lease"/> 0 attaches no lease.</summary>
public sealed record PutRequest(string Key, string Value, long Lease = 0) : Request
{
    /// <inheritdoc />
    [JsonIgnore]
    public override bool IsWrite => true;
}

/// <summary>A DeleteRange of one key, or of [Key, RangeEnd).</summary>
public sealed record DeleteRequest(string Key, string? RangeEnd = null) : Request
{
    /// <inheritdoc />
    [JsonIgnore]
    public override bool IsWrite => true;
}

/// <summary>A Txn: if every compare holds, the Success ops run, otherwise the Failure ops.</summary>
public sealed record TxnRequest(IReadOnlyList<Compare> Compares, IReadOnlyList<TxnOp> Success, IReadOnlyList<TxnOp> Failure) : Request
{
    /// <inheritdoc />
    [JsonIgnore]
    public override bool IsWrite => Success.Any(op => op.IsWrite) || Failure.Any(op => op.IsWrite);
}

/// <summary>A LeaseGrant; <paramref name="Id"/> 0 lets the server choose the id.</summary>
public sealed record LeaseGrantRequest(long Ttl, long Id = 0) : Request
{
    /// <inheritdoc />
    [JsonIgnore]
    public override bool IsWrite => true;
}

/// <summary>A LeaseRevoke: the lease and every key attached to it go.</summary>
public sealed record LeaseRevokeRequest(long Id) : Request
{
    /// <inheritdoc />
    [JsonIgnore]
    public override bool IsWrite => true;
}

/// <summary>A Compact up to (not including) <paramref name="Revision"/>.</summary>
public sealed record CompactRequest(long Revision, bool Physical = false) : Request
{
    /// <inheritdoc />
    [JsonIgnore]
    public override bool IsWrite => true;
}
