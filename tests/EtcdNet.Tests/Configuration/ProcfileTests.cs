using EtcdNet.Configuration;
using EtcdNet.TestKit;

namespace EtcdNet.Tests.Configuration;

/// <summary>The Procfiles run bin/etcdnet with etcd's flags: every line must parse and make a valid member config.</summary>
public sealed class ProcfileTests
{
    public static TheoryData<string, string> Lines()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in new[] { "Procfile", "Procfile.learner" })
        {
            foreach (var line in File.ReadAllLines(Path.Combine(RepoPaths.Root, file)))
            {
                if (line.Length == 0 || line.StartsWith('#')) continue;
                data.Add(file, line);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Lines))]
    public void ProcfileLine_ParsesAsEtcdWould(string file, string line)
    {
        var command = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        var words = SplitShell(command);
        Assert.Equal("bin/etcdnet", words[0]);
        var loader = new ConfigLoader();
        var options = loader.Load(words.Skip(1).ToList(), new Dictionary<string, string>()).ToServerOptions();
        Assert.StartsWith("infra", options.Name, StringComparison.Ordinal);
        Assert.Equal("etcd-cluster-1", options.InitialClusterToken);
        Assert.Contains($"{options.Name}=", options.InitialCluster, StringComparison.Ordinal);
        Assert.True(file == "Procfile" ? options.InitialClusterState == "new" : options.InitialClusterState == "existing");
    }

    /// <summary>Words of a Procfile command, honouring single quotes as a shell does.</summary>
    private static List<string> SplitShell(string command)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        var quoted = false;
        var any = false;
        foreach (var c in command)
        {
            if (c == '\'') { quoted = !quoted; any = true; }
            else if (c == ' ' && !quoted)
            {
                if (any) words.Add(word.ToString());
                word.Clear();
                any = false;
            }
            else { word.Append(c); any = true; }
        }
        if (any) words.Add(word.ToString());
        return words;
    }
}
