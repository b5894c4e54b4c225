namespace EtcdNet.TestKit;

/// <summary>Where the built etcdnet lives, found from the test's own location in the repository.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>etcdnet.dll from the same build configuration as the running tests.</summary>
    public static string EtcdNetDll
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("ETCDNET_DLL");
            if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
            var config = AppContext.BaseDirectory.Contains("/release/", StringComparison.OrdinalIgnoreCase) ? "release" : "debug";
            var artifacts = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", ".."));
            var dll = Path.Combine(artifacts, "bin", "EtcdNet", config, "etcdnet.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"etcdnet not built: {dll} (run ./build.sh build)");
        }
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EtcdNet.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("EtcdNet.sln not found above " + AppContext.BaseDirectory);
    }
}
