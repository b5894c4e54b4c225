using System.Text.Json.Serialization;

namespace EtcdNet.Robustness.History;

/// <summary>What a Txn compare looks at (etcd's Compare.CompareTarget).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CompareTarget>))]
public enum CompareTarget
{
    /// <summary>The key's version (0 when the key does not exist).</summary>
    Version,
    /// <summary>The key's create revision.</summary>
    Create,
    /// <summary>The key's mod revision.</summary>
    Mod,
    /// <summary>The key's value.</summary>
    Value,
    /// <summary>The key's lease.</summary>
    Lease,
}

/// <summary>How a Txn compare relates the key's field to the given operand (etcd's Compare.CompareResult).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CompareResult>))]
public enum CompareResult
{
    /// <summary>Field == operand.</summary>
    Equal,
    /// <summary>Field &gt; operand.</summary>
    Greater,
    /// <summary>Field &lt; operand.</summary>
    Less,
    /// <summary>Field != operand.</summary>
    NotEqual,
}

/// <summary>A Txn compare on one key: <see cref="Value"/> is the operand for the Value target, <see cref="Number"/> for the others.</summary>
public sealed record Compare(string Key, CompareTarget Target, CompareResult Result, long Number = 0, string? Value = null)
{
    /// <summary>Compare the key's value.</summary>
    public static Compare ValueIs(string key, CompareResult result, string value) => new(key, CompareTarget.Value, result, 0, value);

    /// <summary>Compare the key's mod revision.</summary>
    public static Compare ModRevisionIs(string key, CompareResult result, long revision) => new(key, CompareTarget.Mod, result, revision);

    /// <summary>Compare the key's create revision.</summary>
    public static Compare CreateRevisionIs(string key, CompareResult result, long revision) => new(key, CompareTarget.Create, result, revision);

    /// <summary>Compare the key's version.</summary>
    public static Compare VersionIs(string key, CompareResult result, long version) => new(key, CompareTarget.Version, result, version);
}
