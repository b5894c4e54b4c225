using EtcdNet.Configuration;
using EtcdNet.Logging;
using EtcdNet.Server.Backup;
using Microsoft.Extensions.Logging;

namespace EtcdNet.Snapshot;

/// <summary>
/// `etcdnet snapshot restore|status`: etcdctl 3.4's offline snapshot commands with its flags, outputs, messages and
/// exit codes (1 for a failure, 128 for wrong arguments), so backup scripts written for etcdctl run unchanged.
/// </summary>
public static class SnapshotCommand
{
    private const int ExitError = 1;
    private const int ExitBadArgs = 128;

    private static readonly HashSet<string> RestoreValueFlags =
        ["data-dir", "wal-dir", "initial-cluster", "initial-cluster-token", "initial-advertise-peer-urls", "name", "write-out"];

    private static readonly HashSet<string> RestoreBoolFlags = ["skip-hash-check"];

    private static readonly HashSet<string> StatusValueFlags = ["write-out"];

    /// <summary>Runs the subcommand in <paramref name="args"/> (the words after "snapshot"); returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var sub = args.Count > 0 ? args[0] : "";
        var rest = args.Skip(1).ToList();
        switch (sub)
        {
            case "restore":
                return WithUsage(SnapshotUsage.Restore, stdout, stderr, () => Restore(rest, stdout, stderr));
            case "status":
                return WithUsage(SnapshotUsage.Status, stdout, stderr, () => Status(rest, stdout, stderr));
            default:
                stdout.Write(SnapshotUsage.Snapshot);
                return 0;
        }
    }

    private static int WithUsage(string usage, TextWriter stdout, TextWriter stderr, Func<int> command)
    {
        try
        {
            return command();
        }
        catch (SnapshotUsageException e)
        {
            stdout.Write(usage);
            stderr.WriteLine($"Error: {e.Message}");
            return ExitError;
        }
        catch (HelpException)
        {
            stdout.Write(usage);
            return 0;
        }
    }

    private static int Restore(List<string> args, TextWriter stdout, TextWriter stderr)
    {
        var flags = SnapshotArgs.Parse(args, RestoreValueFlags, RestoreBoolFlags);
        if (flags.Help) throw new HelpException();
        if (flags.Positional.Count != 1)
        {
            stderr.WriteLine("Error: snapshot restore requires exactly one argument");
            return ExitBadArgs;
        }
        if (flags.Has("wal-dir"))
        {
            // etcdnet's server always keeps the WAL in <data-dir>/member/wal (it has no --wal-dir), so a WAL
            // written elsewhere would never be found.
            stderr.WriteLine("Error: --wal-dir is not supported: etcdnet keeps the WAL in <data-dir>/member/wal");
            return ExitError;
        }
        var name = flags.Get("name", "default");
        var config = new RestoreConfig
        {
            SnapshotPath = flags.Positional[0],
            Name = name,
            DataDir = flags.Get("data-dir", ""),
            InitialCluster = flags.Get("initial-cluster", "default=http://localhost:2380"),
            InitialClusterToken = flags.Get("initial-cluster-token", "etcd-cluster"),
            PeerUrls = flags.Get("initial-advertise-peer-urls", "http://localhost:2380").Split(','),
            SkipHashCheck = flags.GetBool("skip-hash-check"),
        };
        using var loggers = LogSetup.Create(new EtcdConfig());
        try
        {
            SnapshotRestore.Restore(config, loggers.CreateLogger("snapshot"));
            return 0;
        }
        catch (Exception e) when (e is BackupException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"Error: {e.Message}");
            return ExitError;
        }
    }

    private static int Status(List<string> args, TextWriter stdout, TextWriter stderr)
    {
        var flags = SnapshotArgs.Parse(args, StatusValueFlags, new HashSet<string>());
        if (flags.Help) throw new HelpException();
        if (flags.Positional.Count != 1)
        {
            stderr.WriteLine("Error: snapshot status requires exactly one argument");
            return ExitBadArgs;
        }
        var format = flags.Get("write-out", "simple");
        if (format is not ("simple" or "table" or "json" or "fields"))
        {
            stderr.WriteLine($"Error: unsupported output format {format}");
            return ExitBadArgs;
        }
        SnapshotStatus status;
        try
        {
            status = SnapshotStatus.Read(flags.Positional[0]);
        }
        catch (Exception e) when (e is BackupException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"Error: {e.Message}");
            return ExitError;
        }
        stdout.Write(SnapshotStatusPrinter.Print(status, format));
        return 0;
    }

    /// <summary>-h or --help was given.</summary>
    private sealed class HelpException : Exception;
}
