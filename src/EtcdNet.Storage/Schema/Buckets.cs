namespace EtcdNet.Storage.Schema;

/// <summary>Every bucket the backend knows, with etcd's names. The only place bucket names are spelled.</summary>
public static class Buckets
{
    /// <summary>MVCC history: revision key (see <see cref="RevisionKey"/>) to a marshalled mvccpb.KeyValue.</summary>
    public static readonly Bucket Key = new(1, "key");

    /// <summary>Store metadata: consistent index, term, compaction revisions (see <see cref="MetaKeys"/>).</summary>
    public static readonly Bucket Meta = new(2, "meta");

    /// <summary>Leases: lease id to a lease record.</summary>
    public static readonly Bucket Lease = new(3, "lease");

    /// <summary>Raised alarms.</summary>
    public static readonly Bucket Alarm = new(4, "alarm");

    /// <summary>Cluster-wide facts such as the cluster version.</summary>
    public static readonly Bucket Cluster = new(5, "cluster");

    /// <summary>Current members.</summary>
    public static readonly Bucket Members = new(10, "members");

    /// <summary>Ids of removed members.</summary>
    public static readonly Bucket MembersRemoved = new(11, "members_removed");

    /// <summary>Auth state: enabled flag and auth revision.</summary>
    public static readonly Bucket Auth = new(20, "auth");

    /// <summary>Auth users.</summary>
    public static readonly Bucket AuthUsers = new(21, "authUsers");

    /// <summary>Auth roles.</summary>
    public static readonly Bucket AuthRoles = new(22, "authRoles");

    /// <summary>All buckets, created on open.</summary>
    public static IReadOnlyList<Bucket> All { get; } =
        [Key, Meta, Lease, Alarm, Cluster, Members, MembersRemoved, Auth, AuthUsers, AuthRoles];
}
