using System.Text;

namespace EtcdNet.Configuration;

/// <summary>The help text: how to call etcdnet, then every flag with its usage line.</summary>
public static class Usage
{
    public static string Text { get; } = Build();

    private static string Build()
    {
        var sb = new StringBuilder();
        sb.Append("Usage:\n\n  etcdnet [flags]\n    Start an etcd-compatible member.\n\n  etcdnet --version\n    Show the version.\n\n");
        sb.Append("  etcdnet snapshot restore <file> [restore flags]\n    Restore a backup taken with 'etcdctl snapshot save' into a new data dir.\n\n");
        sb.Append("  etcdnet snapshot status <file> [-w simple|table|json|fields]\n    Show a backup's hash, revision, keys and size.\n\n");
        sb.Append("  etcdnet -h | --help\n    Show this help.\n\nFlags (also as ETCD_* environment variables or --config-file keys):\n");
        foreach (var flag in EtcdFlags.All)
        {
            sb.Append("  --").Append(flag.Name).Append('\n').Append("      ").Append(flag.Usage).Append('\n');
        }
        return sb.ToString();
    }
}
