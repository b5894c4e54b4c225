namespace EtcdNet.Server.Backup;

/// <summary>What `snapshot restore` is told, with etcdctl 3.4's defaults.</summary>
public sealed record RestoreConfig
{
    /// <summary>The file written by `etcdctl snapshot save` (or a member's db with <see cref="SkipHashCheck"/>).</summary>
    public required string SnapshotPath { get; init; }

    /// <summary>This member's name; it must appear in <see cref="InitialCluster"/>.</summary>
    public string Name { get; init; } = "default";

    /// <summary>The data dir to create; empty means "&lt;name&gt;.etcd", as etcdctl does.</summary>
    public string DataDir { get; init; } = "";

    /// <summary>This member's peer URLs (--initial-advertise-peer-urls).</summary>
    public IReadOnlyList<string> PeerUrls { get; init; } = ["http://localhost:2380"];

    /// <summary>name=peer-url,... of every member of the new cluster.</summary>
    public string InitialCluster { get; init; } = "default=http://localhost:2380";

    /// <summary>Mixed into every member id, so two clusters restored from one file do not mistake each other.</summary>
    public string InitialClusterToken { get; init; } = "etcd-cluster";

    /// <summary>Accept a file without the sha256 trailer (a db copied out of a data dir) and do not verify one.</summary>
    public bool SkipHashCheck { get; init; }

    /// <summary>The data dir that will be written: <see cref="DataDir"/>, or "&lt;name&gt;.etcd".</summary>
    public string EffectiveDataDir => string.IsNullOrEmpty(DataDir) ? Name + ".etcd" : DataDir;
}
