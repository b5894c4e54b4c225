using System.Runtime.InteropServices;
using EtcdNet.Configuration;
using EtcdNet.Logging;
using EtcdNet.Server;
using EtcdNet.Server.Corruption;
using EtcdNet.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace EtcdNet;

/// <summary>The etcdnet executable: etcd's flags in, a running member out, stopped by SIGINT or SIGTERM.</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "snapshot") return Snapshot.SnapshotCommand.Run(args[1..], Console.Out, Console.Error);
        EtcdConfig config;
        ServerOptions options;
        var loader = new ConfigLoader();
        try
        {
            config = loader.Load(args, Environment.GetEnvironmentVariables());
            if (config.ShowVersion)
            {
                Console.WriteLine(VersionText());
                return 0;
            }
            options = config.ToServerOptions();
        }
        catch (HelpRequestedException)
        {
            Console.Out.Write(Usage.Text);
            return 0;
        }
        catch (FlagException e)
        {
            Console.Error.WriteLine(e.Message);
            if (!e.Message.StartsWith("error verifying flags", StringComparison.Ordinal) && !e.Message.StartsWith("conflicting", StringComparison.Ordinal))
            {
                Console.Error.Write(Usage.Text);
                return 2;
            }
            return 1;
        }

        using var loggers = LogSetup.Create(config);
        var logger = loggers.CreateLogger("etcdmain");
        foreach (var warning in loader.Warnings)
        {
            Log.ConfigWarning(logger, warning);
        }

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; stop.TrySetResult(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.TrySetResult(); });

        EtcdServerHost host;
        try
        {
            host = await EtcdServerHost.StartAsync(options, loggers).ConfigureAwait(false);
        }
        // A setting only the server can judge (a bad --auth-token) or a failed initial corruption check.
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException
            or DataInconsistencyException)
        {
            Log.StartFailed(logger, e);
            return 1;
        }
        await stop.Task.ConfigureAwait(false);
        Log.Stopping(logger, host.Server.Options.Name);
        await host.DisposeAsync().ConfigureAwait(false);
        return 0;
    }

    private static string VersionText() =>
        $"etcd Version: {EtcdServer.Version}\n" +
        $"EtcdNet Version: {typeof(Program).Assembly.GetName().Version?.ToString(3)}\n" +
        $".NET Version: {Environment.Version}\n" +
        $"OS/Arch: {RuntimeInformation.OSDescription.Split(' ')[0].ToLowerInvariant()}/{RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}";
}
