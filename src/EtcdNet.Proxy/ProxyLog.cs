using Microsoft.Extensions.Logging;

namespace EtcdNet.Proxy;

/// <summary>The proxy's log lines (field names as etcd's proxy logs them).</summary>
internal static partial class ProxyLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "started proxying from={From} to={To}")]
    public static partial void Started(ILogger logger, string from, string to);

    [LoggerMessage(Level = LogLevel.Information, Message = "closed proxy listener from={From} to={To}")]
    public static partial void Closed(ILogger logger, string from, string to);

    [LoggerMessage(Level = LogLevel.Debug, Message = "failed to dial to={To}")]
    public static partial void DialFailed(ILogger logger, string to, Exception error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "connection ended from={From} to={To}")]
    public static partial void ConnectionFailed(ILogger logger, string from, string to, Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Change} direction={Direction} from={From} to={To}")]
    public static partial void FaultChanged(ILogger logger, string change, string direction, string from, string to);
}
