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

    /// <summary>The repository this kit was built from (recorded at build time).</summary>
    private static string FindRoot()
    {
        var root = typeof(RepoPaths).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepoRoot")?.Value;
        return root is not null && File.Exists(Path.Combine(root, "EtcdNet.sln"))
            ? root
            : throw new DirectoryNotFoundException($"EtcdNet.sln not found in {root}");
    }
}
