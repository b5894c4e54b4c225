using System.Diagnostics;

namespace EtcdNet.Storage.Failpoints;

/// <summary>
/// Named crash and delay points in the server, in the spirit of etcd's gofail. Calls are compiled in only when the
/// calling project is built with <c>-p:Failpoints=true</c> (which defines FAILPOINTS); in every other build the C#
/// compiler drops them, so they cost nothing. A point is switched on by the ETCDNET_FAILPOINTS environment variable
/// read once at start, e.g. <c>ETCDNET_FAILPOINTS="raftAfterSave=panic;raftBeforeSave=50%sleep(200)"</c>.
/// </summary>
public static class Failpoint
{
    /// <summary>The environment variable that arms failpoints (gofail's GOFAIL_FAILPOINTS, our spelling).</summary>
    public const string EnvironmentVariable = "ETCDNET_FAILPOINTS";

    private static readonly IReadOnlyDictionary<string, FailpointTerm> Armed = Load();

    /// <summary>Evaluates the failpoint <paramref name="name"/>: crashes, sleeps or prints if it is armed.</summary>
    [Conditional("FAILPOINTS")]
    public static void Hit(string name)
    {
        if (Armed.Count == 0 || !Armed.TryGetValue(name, out var term)) return;
        term.Fire(name);
    }

    /// <summary>The armed failpoints by name (empty unless the environment variable is set).</summary>
    public static IReadOnlyDictionary<string, FailpointTerm> Active => Armed;

    private static Dictionary<string, FailpointTerm> Load()
    {
        var spec = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(spec) ? new Dictionary<string, FailpointTerm>(StringComparer.Ordinal) : Parse(spec);
    }

    /// <summary>Parses "name=term;name=term" (gofail's list syntax); throws <see cref="FormatException"/> on a bad term.</summary>
    public static Dictionary<string, FailpointTerm> Parse(string spec)
    {
        var result = new Dictionary<string, FailpointTerm>(StringComparer.Ordinal);
        foreach (var part in spec.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new FormatException($"failpoint: bad entry \"{part}\" (want name=term)");
            result[part[..eq].Trim()] = FailpointTerm.Parse(part[(eq + 1)..].Trim());
        }
        return result;
    }
}
