using System.CommandLine;

namespace EtcdNet.Benchmark;

/// <summary>Entry point of etcdnet-benchmark: put, range and compare.</summary>
internal static class Program
{
    private static Task<int> Main(string[] args)
    {
        var root = new RootCommand("A load tool for etcd v3 servers, in the spirit of etcd's tools/benchmark");
        ClientFlags.AddTo(root);
        root.Subcommands.Add(PutCommand.Create());
        root.Subcommands.Add(RangeCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        return root.Parse(args).InvokeAsync();
    }
}
