using System.Text.Json.Serialization;

namespace EtcdNet.Robustness.History;

/// <summary>One operation inside a Txn's then or else branch: a Range, a Put or a Delete.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "op")]
[JsonDerivedType(typeof(TxnRange), "range")]
[JsonDerivedType(typeof(TxnPut), "put")]
[JsonDerivedType(typeof(TxnDelete), "delete")]
public abstract record TxnOp
{
    /// <summary>True for Put and Delete.</summary>
    [JsonIgnore]
    public abstract bool IsWrite { get; }
}

/// <summary>A Range inside a Txn (always at the Txn's revision).</summary>
public sealed record TxnRange(string Key, string? RangeEnd = null, long Limit = 0) : TxnOp
{
    /// <inheritdoc />
    [JsonIgnore]
    public override bool IsWrite => false;
}

/// <summary>A Put inside a Txn.</summary>
public sealed record TxnPut(string Key, string Value, long Lease = 0) : TxnOp
{
    /// <inheritdoc />
    [JsonIgnore]
    public override bool IsWrite => true;
}

/// <summary>A Delete inside a Txn.</summary>
public sealed record TxnDelete(string Key, string? RangeEnd = null) : TxnOp
{
    /// <inheritdoc />
    [JsonIgnore]
    public override bool IsWrite => true;
}
