using System.Globalization;
using System.Text.RegularExpressions;
using EtcdNet.Server.Errors;

namespace EtcdNet.Server.Services.Maintenance;

/// <summary>
/// etcd 3.5's downgrade validation: the target must be a semantic version whose major.minor is exactly one minor
/// below the cluster version, and no downgrade may already be in progress.
/// </summary>
public static partial class DowngradeCheck
{
    /// <summary>The cluster version as etcd prints it (major.minor.0), taken from the server's own version.</summary>
    public static string ClusterVersion
    {
        get
        {
            (long major, long minor) = MajorMinor(EtcdServer.Version) ?? throw new InvalidOperationException("server version is not semver");
            return $"{major}.{minor}.0";
        }
    }

    /// <summary>
    /// Checks <paramref name="target"/> as etcd's downgradeValidate does, in etcd's order: format, then the allowed
    /// target (one minor below), then whether a downgrade is already enabled. Returns the cluster version.
    /// </summary>
    public static string Validate(string target, bool downgradeEnabled)
    {
        (long major, long minor) = MajorMinor(target) ?? throw EtcdErrors.WrongDowngradeVersionFormat.ToException();
        (long clusterMajor, long clusterMinor) = MajorMinor(ClusterVersion)!.Value;
        if (major != clusterMajor || minor != clusterMinor - 1)
        {
            throw EtcdErrors.InvalidDowngradeTargetVersion.ToException();
        }
        if (downgradeEnabled)
        {
            throw EtcdErrors.DowngradeInProcess.ToException();
        }
        return ClusterVersion;
    }

    /// <summary>Major and minor of a semantic version "X.Y.Z[-pre][+build]" (go-semver's rules), or null.</summary>
    public static (long Major, long Minor)? MajorMinor(string version)
    {
        Match m = SemVer().Match(version);
        if (!m.Success ||
            !long.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out long major) ||
            !long.TryParse(m.Groups[2].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out long minor) ||
            !long.TryParse(m.Groups[3].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return null;
        }
        return (major, minor);
    }

    [GeneratedRegex(@"^([0-9]+)\.([0-9]+)\.([0-9]+)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")]
    private static partial Regex SemVer();
}
