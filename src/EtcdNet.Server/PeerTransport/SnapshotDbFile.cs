using System.Globalization;

namespace EtcdNet.Server.PeerTransport;

/// <summary>Where a snapshot database received from the leader lives: etcd's <c>%016x.snap.db</c> in the snap directory.</summary>
public static class SnapshotDbFile
{
    /// <summary>The file saved for the snapshot at raft index <paramref name="index"/>.</summary>
    public static string PathFor(string snapshotDirectory, ulong index)
    {
        ArgumentException.ThrowIfNullOrEmpty(snapshotDirectory);
        return Path.Combine(snapshotDirectory, index.ToString("x16", CultureInfo.InvariantCulture) + ".snap.db");
    }
}
