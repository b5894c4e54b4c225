namespace EtcdNet.Configuration;

/// <summary>
/// One etcd flag: its name (also the YAML key and, upper-cased with underscores, the ETCD_* variable), the usage
/// line, and how its text value lands in <see cref="EtcdConfig"/>. A setter throws <see cref="FormatException"/>
/// for a value it cannot parse.
/// </summary>
public sealed record Flag(string Name, string Usage, Action<EtcdConfig, string> Set, bool IsBool = false)
{
    public string EnvironmentVariable => "ETCD_" + Name.ToUpperInvariant().Replace('-', '_');
}
