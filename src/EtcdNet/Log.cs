using Microsoft.Extensions.Logging;

namespace EtcdNet;

/// <summary>The executable's log lines.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "{Warning}")]
    public static partial void ConfigWarning(ILogger logger, string warning);

    [LoggerMessage(EventId = 101, Level = LogLevel.Critical, Message = "failed to start etcd")]
    public static partial void StartFailed(ILogger logger, Exception error);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "received signal; shutting down name={Name}")]
    public static partial void Stopping(ILogger logger, string name);
}
