using System.Globalization;

namespace EtcdNet.Server.Metrics;

/// <summary>
/// The process_* metrics Prometheus' default process collector exports (and etcd's os_fd_* gauges), read from /proc at
/// scrape time. On a system without /proc the values read as 0.
/// </summary>
public static class ProcessCollector
{
    // USER_HZ: the unit of /proc/[pid]/stat times, 100 on every Linux architecture .NET runs on.
    private const double TicksPerSecond = 100;

    public static void Register(MetricRegistry registry)
    {
        registry.CounterFunc("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
            () => Stat() is { } s ? (s.UserTicks + s.SystemTicks) / TicksPerSecond : 0);
        registry.GaugeFunc("process_open_fds", "Number of open file descriptors.", OpenFds);
        registry.GaugeFunc("process_max_fds", "Maximum number of open file descriptors.", () => Limit("Max open files"));
        registry.GaugeFunc("process_virtual_memory_bytes", "Virtual memory size in bytes.", () => Stat()?.VirtualBytes ?? 0);
        registry.GaugeFunc("process_virtual_memory_max_bytes", "Maximum amount of virtual memory available in bytes.", () => Limit("Max address space"));
        registry.GaugeFunc("process_resident_memory_bytes", "Resident memory size in bytes.",
            () => (Stat()?.ResidentPages ?? 0) * (double)Environment.SystemPageSize);
        registry.GaugeFunc("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", StartTime);
        registry.GaugeFunc("os_fd_used", "The number of used file descriptors.", OpenFds);
        registry.GaugeFunc("os_fd_limit", "The file descriptor limit.", () => Limit("Max open files"));
    }

    private sealed record ProcStat(long UserTicks, long SystemTicks, long StartTicks, double VirtualBytes, long ResidentPages);

    private static ProcStat? Stat()
    {
        try
        {
            var text = File.ReadAllText("/proc/self/stat");
            // The command name (field 2) may hold spaces: fields are counted after its closing parenthesis.
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            long Field(int n) => long.Parse(fields[n - 3], CultureInfo.InvariantCulture);
            return new ProcStat(Field(14), Field(15), Field(22), ulong.Parse(fields[23 - 3], CultureInfo.InvariantCulture), Field(24));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static double OpenFds()
    {
        try
        {
            return Directory.EnumerateFileSystemEntries("/proc/self/fd").Count();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>The soft limit from /proc/self/limits; "unlimited" reads as 2^64-1, as Go's procfs reports it.</summary>
    private static double Limit(string name)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (!line.StartsWith(name, StringComparison.Ordinal)) continue;
                var soft = line[name.Length..].TrimStart().Split(' ', 2)[0];
                return soft == "unlimited" ? ulong.MaxValue : double.Parse(soft, CultureInfo.InvariantCulture);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }
        return 0;
    }

    private static double StartTime()
    {
        try
        {
            if (Stat() is not { } stat) return 0;
            var btime = File.ReadLines("/proc/stat").First(l => l.StartsWith("btime ", StringComparison.Ordinal));
            return double.Parse(btime[6..], CultureInfo.InvariantCulture) + stat.StartTicks / TicksPerSecond;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException)
        {
            return 0;
        }
    }
}
