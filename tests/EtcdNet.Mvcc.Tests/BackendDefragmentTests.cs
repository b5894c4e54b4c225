namespace EtcdNet.Mvcc.Tests;

public sealed class BackendDefragmentTests : IDisposable
{
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task Defragment_AfterDeleteAndCompaction_ShrinksSizeAndKeepsData()
    {
        string big = new('x', 4000);
        for (int i = 0; i < 300; i++)
        {
            _f.Put("k" + i.ToString("D3"), big);
        }
        _f.Put("other", "me");
        long rev = _f.Delete("k", "l").Header.Revision;
        await _f.Store.Compact(rev);
        _f.Store.Commit();
        long before = _f.Backend.Size;

        _f.Backend.Defragment();

        long after = _f.Backend.Size;
        Assert.True(after < before / 4, $"size {before} -> {after}");
        Assert.Equal(after, _f.Backend.SizeInUse);
        Assert.Equal("me", StoreFixture.S(_f.One("other")!.Value));
        _f.Put("after", "defrag");
        Assert.NotNull(_f.One("after"));
        _f.Store.Commit();
        Assert.NotNull(_f.One("after"));
        _f.Reopen();
        Assert.NotNull(_f.One("other"));
        Assert.Equal("defrag", StoreFixture.S(_f.One("after")!.Value));
    }
}
