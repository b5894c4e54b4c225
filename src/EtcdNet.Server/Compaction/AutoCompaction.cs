using System.Globalization;

namespace EtcdNet.Server.Compaction;

/// <summary>
/// --auto-compaction-mode and --auto-compaction-retention read as etcd 3.4 reads them: a bare non-negative integer
/// is hours in periodic mode and a revision count in revision mode; anything else must be a Go duration. A zero
/// retention disables auto compaction.
/// </summary>
public sealed record AutoCompaction(string Mode, TimeSpan Period, long Revisions)
{
    public const string ModePeriodic = "periodic";
    public const string ModeRevision = "revision";

    /// <summary>False when the retention is zero (etcd starts no compactor) or negative.</summary>
    public bool Enabled => Mode == ModeRevision ? Revisions > 0 : Period > TimeSpan.Zero;

    /// <summary>Parses the two flags; throws <see cref="ArgumentException"/> with etcd's message when they are invalid.</summary>
    public static AutoCompaction Parse(string mode, string retention)
    {
        if (mode is not ("" or ModePeriodic or ModeRevision))
        {
            throw new ArgumentException($"unknown auto-compaction-mode \"{mode}\"");
        }
        if (string.IsNullOrEmpty(retention)) retention = "0";
        TimeSpan period = TimeSpan.Zero;
        long revisions = 0;
        if (int.TryParse(retention, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int number) && number >= 0)
        {
            if (mode == ModeRevision) revisions = number;
            else if (mode == ModePeriodic) period = TimeSpan.FromHours(number);
        }
        else
        {
            try
            {
                period = GoDuration.Parse(retention);
            }
            catch (FormatException e)
            {
                throw new ArgumentException($"error parsing CompactionRetention: {e.Message}", e);
            }
            // A duration in revision mode is a number of revisions in etcd (its nanoseconds).
            if (mode == ModeRevision)
            {
                revisions = period.Ticks * 100;
                period = TimeSpan.Zero;
            }
        }
        var parsed = new AutoCompaction(mode, period, revisions);
        if (mode == "" && parsed.Period != TimeSpan.Zero)
        {
            // etcd accepts an empty mode only while nothing is to be compacted.
            throw new ArgumentException("unsupported compaction mode ");
        }
        return parsed;
    }
}
