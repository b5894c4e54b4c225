namespace EtcdNet.Robustness.History;

/// <summary>A key-value pair as a Range returns it (etcd's mvccpb.KeyValue, with text key and value).</summary>
public sealed record KeyValue(string Key, string Value, long ModRevision, long CreateRevision, long Version, long Lease = 0)
{
    /// <summary>key=value@mod (create, version[, lease]) for violation messages.</summary>
    public override string ToString() =>
        $"{Key}={Value}@{ModRevision}(c{CreateRevision},v{Version}{(Lease != 0 ? $",l{Lease:x}" : "")})";
}
