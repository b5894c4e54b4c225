namespace EtcdNet.TestKit;

/// <summary>The real etcdctl (v3 API) against one endpoint.</summary>
public static class Etcdctl
{
    public static Task<CommandResult> RunAsync(string endpoint, string[] args, string? stdin = null) =>
        ProcessRunner.RunAsync(
            "etcdctl",
            ["--endpoints", endpoint, "--dial-timeout", "5s", "--command-timeout", "10s", .. args],
            stdin,
            new Dictionary<string, string> { ["ETCDCTL_API"] = "3" });
}
