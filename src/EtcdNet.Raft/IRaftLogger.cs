namespace EtcdNet.Raft;

/// <summary>Severity of a Raft log line.</summary>
public enum RaftLogLevel
{
    /// <summary>Step-by-step detail (votes, rejections).</summary>
    Debug,
    /// <summary>Role and configuration changes.</summary>
    Info,
    /// <summary>Something ignored that an operator may care about.</summary>
    Warning,
    /// <summary>A broken expectation that Raft survived.</summary>
    Error,
}

/// <summary>Where Raft writes its log lines; the server plugs its own logger in.</summary>
public interface IRaftLogger
{
    /// <summary>Whether lines of this level are wanted; Raft skips formatting when they are not.</summary>
    bool IsEnabled(RaftLogLevel level);

    /// <summary>Writes one line.</summary>
    void Log(RaftLogLevel level, string message);
}

/// <summary>The default logger: discards everything.</summary>
public sealed class NopRaftLogger : IRaftLogger
{
    /// <summary>The shared instance.</summary>
    public static readonly NopRaftLogger Instance = new();

    /// <inheritdoc />
    public bool IsEnabled(RaftLogLevel level) => false;

    /// <inheritdoc />
    public void Log(RaftLogLevel level, string message) { }
}
