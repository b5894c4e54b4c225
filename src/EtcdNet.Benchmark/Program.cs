using System.CommandLine;
using System.Runtime.InteropServices;

namespace EtcdNet.Benchmark;

/// <summary>Entry point of etcdnet-benchmark: put, range, watch-latency, lease-keepalive, lease-grant-revoke and compare.</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("A load tool for etcd v3 servers, in the spirit of etcd's tools/benchmark");
        ClientFlags.AddTo(root);
        root.Subcommands.Add(PutCommand.Create());
        root.Subcommands.Add(RangeCommand.Create());
        root.Subcommands.Add(WatchLatencyCommand.Create());
        root.Subcommands.Add(WatchLoad.WatchLoadCommand.Create());
        root.Subcommands.Add(LeaseKeepAliveCommand.Create());
        root.Subcommands.Add(LeaseGrantRevokeCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());

        // Our own signal handling instead of System.CommandLine's: its grace period can end the process while compare
        // is still stopping servers, and the runtime raises no ProcessExit on SIGTERM, so children would be orphaned.
        // The first SIGINT/SIGTERM cancels the run and lets cleanup finish; a second one ends the process at once.
        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            if (!stop.IsCancellationRequested)
            {
                context.Cancel = true;
                stop.Cancel();
            }
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null };
        int exitCode;
        try
        {
            exitCode = await root.Parse(args).InvokeAsync(invocation, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            exitCode = 1;
        }

        if (stop.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("interrupted").ConfigureAwait(false);
            return 130;
        }

        return exitCode;
    }
}
