using EtcdNet.Configuration;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;

namespace EtcdNet.Logging;

/// <summary>Builds the logger from --logger, --log-level and --log-outputs, as etcd's zap setup does.</summary>
public static class LogSetup
{
    public static ILoggerFactory Create(EtcdConfig config)
    {
        var level = config.LogLevel switch
        {
            "debug" => LogEventLevel.Debug,
            "info" => LogEventLevel.Information,
            "warn" => LogEventLevel.Warning,
            "error" => LogEventLevel.Error,
            "panic" or "fatal" or "dpanic" => LogEventLevel.Fatal,
            _ => throw new FlagException($"error verifying flags, unknown log-level \"{config.LogLevel}\". See 'etcd --help'."),
        };
        if (config.Logger is not ("zap" or "capnslog"))
        {
            throw new FlagException($"error verifying flags, unknown logger option \"{config.Logger}\". See 'etcd --help'.");
        }

        var formatter = new ZapJsonFormatter();
        var serilog = new LoggerConfiguration().MinimumLevel.Is(level)
            // ASP.NET Core's own chatter stays out of etcd-shaped logs unless it is a problem.
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            // Kestrel warns that cleartext HTTP/2 needs TLS; the gRPC layer serves h2c on purpose.
            .MinimumLevel.Override("Microsoft.AspNetCore.Server.Kestrel", LogEventLevel.Error);
        foreach (var output in config.LogOutputs)
        {
            serilog = output switch
            {
                // etcd's "default" is stderr (journald only under systemd, which we leave to the unit file).
                "default" or "stderr" => serilog.WriteTo.Console(formatter, standardErrorFromLevel: LogEventLevel.Verbose),
                "stdout" => serilog.WriteTo.Console(formatter),
                _ => serilog.WriteTo.File(formatter, output),
            };
        }
        return new SerilogLoggerFactory(serilog.CreateLogger(), dispose: true);
    }
}
