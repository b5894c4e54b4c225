namespace EtcdNet.Storage.Schema;

/// <summary>One etcd bucket: its stable id, etcd's name for it, and the SQLite table that stores it.</summary>
public sealed class Bucket
{
    internal Bucket(byte id, string name)
    {
        Id = id;
        Name = name;
        // Prefixed so that names like "key" never collide with SQL keywords.
        TableName = "bucket_" + name;
    }

    /// <summary>Stable numeric id (also the slot in per-bucket arrays).</summary>
    public byte Id { get; }

    /// <summary>etcd's bucket name, e.g. "key", "meta", "members_removed".</summary>
    public string Name { get; }

    /// <summary>The table that holds this bucket: (k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID.</summary>
    public string TableName { get; }

    /// <inheritdoc />
    public override string ToString() => Name;
}
