namespace EtcdNet.TestKit;

/// <summary>A directory of its own for one test, removed when disposed.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir(string prefix = "etcdnet-test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process that still holds a file keeps its folder; the OS cleans /tmp.
        }
    }
}
