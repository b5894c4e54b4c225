using System.Reflection;

namespace EtcdNet.Tests;

/// <summary>The dependency arrows of DESIGN.md, checked on the built assemblies so a wrong arrow fails CI.</summary>
public sealed class ArchitectureTests
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["EtcdNet.Api"] = [],
        ["EtcdNet.Grpc"] = [],
        ["EtcdNet.Raft"] = [],
        ["EtcdNet.Proxy"] = [],
        ["EtcdNet.Storage"] = ["EtcdNet.Raft"],
        ["EtcdNet.Mvcc"] = ["EtcdNet.Storage", "EtcdNet.Api"],
        ["EtcdNet.Lease"] = ["EtcdNet.Storage", "EtcdNet.Api"],
        ["EtcdNet.Auth"] = ["EtcdNet.Storage", "EtcdNet.Api"],
        ["EtcdNet.Server"] = ["EtcdNet.Api", "EtcdNet.Grpc", "EtcdNet.Raft", "EtcdNet.Storage", "EtcdNet.Mvcc", "EtcdNet.Lease", "EtcdNet.Auth"],
        ["etcdnet"] = ["EtcdNet.Server", "EtcdNet.Grpc"],
    };

    public static TheoryData<string> Assemblies => new(Allowed.Keys.Where(Exists));

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Assembly_ReferencesOnlyWhatDesignAllows(string name)
    {
        var references = Assembly.Load(name).GetReferencedAssemblies()
            .Select(r => r.Name!)
            .Where(r => r.StartsWith("EtcdNet", StringComparison.Ordinal) || r == "etcdnet");
        Assert.All(references, r => Assert.True(Allowed[name].Contains(r), $"{name} must not reference {r} (see DESIGN.md)"));
    }

    [Fact]
    public void Check_CoversTheCoreAssemblies()
    {
        foreach (var name in new[] { "etcdnet", "EtcdNet.Server", "EtcdNet.Mvcc", "EtcdNet.Storage", "EtcdNet.Grpc", "EtcdNet.Api" })
        {
            Assert.True(Exists(name), $"{name} not found next to the tests");
        }
    }

    private static bool Exists(string name) => File.Exists(Path.Combine(AppContext.BaseDirectory, name + ".dll"));
}
