namespace EtcdNet.Server.Backup;

/// <summary>A snapshot file or restore target that `snapshot restore`/`status` refuses; the message is etcdctl's.</summary>
public sealed class BackupException(string message) : Exception(message);
