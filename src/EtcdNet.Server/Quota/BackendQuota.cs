using EtcdNet.Api.Etcdserverpb;
using Microsoft.Extensions.Logging;

namespace EtcdNet.Server.Quota;

/// <summary>
/// etcd's backend space quota: whether a write still fits under --quota-backend-bytes, judged from the backend's
/// size plus an estimate of what the write adds. 0 configures etcd's 2 GiB default; a negative value disables the
/// quota (every request fits).
/// </summary>
public sealed partial class BackendQuota
{
    /// <summary>The quota when none is configured (etcd's DefaultQuotaBytes, 2 GiB).</summary>
    public const long DefaultBytes = 2L * 1024 * 1024 * 1024;

    /// <summary>The largest quota etcd recommends (MaxQuotaBytes, 8 GiB); above it etcd warns at start.</summary>
    public const long MaxRecommendedBytes = 8L * 1024 * 1024 * 1024;

    /// <summary>etcd's estimate of a lease's stored size.</summary>
    public const int LeaseOverhead = 64;

    /// <summary>etcd's estimate of a key's metadata (revisions, version, lease) beside its key and value.</summary>
    public const int KvOverhead = 256;

    private readonly Func<long> _backendSize;

    public BackendQuota(long configuredBytes, Func<long> backendSize)
    {
        _backendSize = backendSize;
        Enabled = configuredBytes >= 0;
        Bytes = configuredBytes == 0 ? DefaultBytes : configuredBytes;
    }

    /// <summary>False when the quota is disabled (a negative --quota-backend-bytes).</summary>
    public bool Enabled { get; }

    /// <summary>The effective quota in bytes (the default for 0; the configured negative value when disabled).</summary>
    public long Bytes { get; }

    /// <summary>True when the request writes nothing or still fits: size + cost must stay below the quota.</summary>
    public bool Available(InternalRaftRequest request) => Available(Cost(request));

    /// <summary>True when a write of this cost fits (a cost of 0 always does).</summary>
    public bool Available(int cost) => !Enabled || cost == 0 || _backendSize() + cost < Bytes;

    /// <summary>Room left under the quota (etcd's Remaining); 1 when the quota is disabled.</summary>
    public long Remaining => Enabled ? Bytes - _backendSize() : 1;

    /// <summary>
    /// What a request adds to the backend in etcd's estimate: a put its key, value and overhead; a txn the costlier
    /// of its two branches' puts (a nested txn adds nothing, as in etcd); a lease grant a fixed overhead; anything
    /// else nothing.
    /// </summary>
    public static int Cost(InternalRaftRequest request) => request switch
    {
        { Put: { } put } => Cost(put),
        { Txn: { } txn } => Cost(txn),
        { LeaseGrant: not null } => LeaseOverhead,
        _ => 0,
    };

    public static int Cost(PutRequest put) => KvOverhead + put.Key.Length + put.Value.Length;

    public static int Cost(TxnRequest txn)
    {
        static int Branch(IEnumerable<RequestOp> ops) => ops.Sum(op => op.RequestPut is { } put ? Cost(put) : 0);
        return Math.Max(Branch(txn.Success), Branch(txn.Failure));
    }

    /// <summary>Logs the quota in effect once at start, as etcd does (with its warning above 8 GiB).</summary>
    public void LogConfiguration(ILogger logger, long configuredBytes)
    {
        if (!Enabled)
        {
            LogDisabled(logger, configuredBytes);
            return;
        }
        if (configuredBytes == 0)
        {
            LogDefault(logger, DefaultBytes, HumanBytes(DefaultBytes));
            return;
        }
        if (configuredBytes > MaxRecommendedBytes)
        {
            LogTooLarge(logger, configuredBytes, HumanBytes(configuredBytes), MaxRecommendedBytes, HumanBytes(MaxRecommendedBytes));
        }
        LogEnabled(logger, configuredBytes, HumanBytes(configuredBytes));
    }

    /// <summary>Sizes as etcd's logs print them (go-humanize's Bytes: SI units, one decimal below 10).</summary>
    public static string HumanBytes(long bytes)
    {
        if (bytes < 10) return $"{bytes} B";
        string[] units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
        int e = (int)Math.Floor(Math.Log(bytes) / Math.Log(1000));
        double value = Math.Floor(bytes / Math.Pow(1000, e) * 10 + 0.5) / 10;
        return value < 10
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{value:0.0} {units[e]}")
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Math.Round(value, MidpointRounding.ToEven):0} {units[e]}");
    }

    [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "disabled backend quota quota-name=kv quota-size-bytes={QuotaSizeBytes}")]
    private static partial void LogDisabled(ILogger logger, long quotaSizeBytes);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Information, Message = "enabled backend quota with default value quota-name=kv quota-size-bytes={QuotaSizeBytes} quota-size={QuotaSize}")]
    private static partial void LogDefault(ILogger logger, long quotaSizeBytes, string quotaSize);

    [LoggerMessage(EventId = 8103, Level = LogLevel.Warning, Message = "quota exceeds the maximum value quota-name=kv quota-size-bytes={QuotaSizeBytes} quota-size={QuotaSize} quota-maximum-size-bytes={QuotaMaximumSizeBytes} quota-maximum-size={QuotaMaximumSize}")]
    private static partial void LogTooLarge(ILogger logger, long quotaSizeBytes, string quotaSize, long quotaMaximumSizeBytes, string quotaMaximumSize);

    [LoggerMessage(EventId = 8104, Level = LogLevel.Information, Message = "enabled backend quota quota-name=kv quota-size-bytes={QuotaSizeBytes} quota-size={QuotaSize}")]
    private static partial void LogEnabled(ILogger logger, long quotaSizeBytes, string quotaSize);
}
