namespace EtcdNet.Snapshot;

/// <summary>Help texts of the snapshot commands, in etcdctl's layout (only the options etcdnet takes).</summary>
internal static class SnapshotUsage
{
    public const string Snapshot = """
        NAME:
        	snapshot - Manages etcd node snapshots

        USAGE:
        	etcdnet snapshot <subcommand> [flags]

        COMMANDS:
        	restore	Restores an etcd member snapshot to an etcd directory
        	status	Gets backend snapshot status of a given file

        Take snapshots with the real etcdctl: etcdctl snapshot save <filename>

        """;

    public const string Restore = """
        NAME:
        	snapshot restore - Restores an etcd member snapshot to an etcd directory

        USAGE:
        	etcdnet snapshot restore <filename> [options] [flags]

        OPTIONS:
              --data-dir=""						Path to the data directory
          -h, --help[=false]						help for restore
              --initial-advertise-peer-urls="http://localhost:2380"	List of this member's peer URLs to advertise to the rest of the cluster
              --initial-cluster="default=http://localhost:2380"		Initial cluster configuration for restore bootstrap
              --initial-cluster-token="etcd-cluster"			Initial cluster token for the etcd cluster during restore bootstrap
              --name="default"						Human-readable name for this member
              --skip-hash-check[=false]					Ignore snapshot integrity hash value (required if copied from data directory)

        """;

    public const string Status = """
        NAME:
        	snapshot status - Gets backend snapshot status of a given file

        USAGE:
        	etcdnet snapshot status <filename> [flags]

        DESCRIPTION:
        	When --write-out is set to simple, this command prints out comma-separated status lists for each endpoint.
        	The items in the lists are hash, revision, total keys, total size.

        OPTIONS:
          -h, --help[=false]		help for status
          -w, --write-out="simple"	set the output format (fields, json, simple, table)

        """;
}
