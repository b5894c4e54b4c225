using EtcdNet.Api.Authpb;
using Google.Protobuf;

namespace EtcdNet.Auth.Tests;

public sealed class RangePermissionsTests
{
    private static byte[] B(string s) => System.Text.Encoding.UTF8.GetBytes(s);

    private static Permission P(Permission.Types.Type type, string key, string rangeEnd = "") =>
        new() { PermType = type, Key = ByteString.CopyFromUtf8(key), RangeEnd = ByteString.CopyFromUtf8(rangeEnd) };

    [Fact]
    public void Merge_ReadWrite_CountsForBoth()
    {
        var perms = RangePermissions.Merge([P(Permission.Types.Type.Readwrite, "k")]);
        Assert.True(perms.Permits(write: false, B("k"), []));
        Assert.True(perms.Permits(write: true, B("k"), []));
    }

    [Fact]
    public void Merge_ReadAndWrite_AreSeparateSets()
    {
        var perms = RangePermissions.Merge([P(Permission.Types.Type.Read, "a", "m"), P(Permission.Types.Type.Write, "m", "z")]);
        Assert.True(perms.Permits(write: false, B("b"), []));
        Assert.False(perms.Permits(write: true, B("b"), []));
        Assert.True(perms.Permits(write: true, B("n"), []));
        Assert.False(perms.Permits(write: false, B("n"), []));
    }

    [Fact]
    public void Merge_PermissionsFromSeveralRoles_CoverTheUnion()
    {
        // Two roles' grants [test, test3) and [test3, test5): a read of [test, test5) needs both.
        var perms = RangePermissions.Merge([P(Permission.Types.Type.Read, "test", "test3"), P(Permission.Types.Type.Read, "test3", "test5")]);
        Assert.True(perms.Permits(write: false, B("test"), B("test5")));
        Assert.False(perms.Permits(write: false, B("test"), B("test6")));
    }

    [Fact]
    public void RangeEndZeroByte_MeansFromKeyToTheEnd()
    {
        var perms = RangePermissions.Merge([P(Permission.Types.Type.Write, "foo", "\0")]);
        Assert.True(perms.Permits(write: true, B("foo"), []));
        Assert.True(perms.Permits(write: true, B("zzz"), []));
        Assert.True(perms.Permits(write: true, B("foo"), B("\0")));
        Assert.False(perms.Permits(write: true, B("fo"), []));
        Assert.False(perms.Permits(write: true, B("a"), B("\0")));
    }

    [Fact]
    public void PrefixPermission_CoversPrefixRangeOnly()
    {
        // etcdctl role grant-permission --prefix r readwrite /dir/ sends [ "/dir/", "/dir0" ).
        var perms = RangePermissions.Merge([P(Permission.Types.Type.Readwrite, "/dir/", "/dir0")]);
        Assert.True(perms.Permits(write: false, B("/dir/"), B("/dir0")));
        Assert.True(perms.Permits(write: true, B("/dir/a/b"), []));
        Assert.False(perms.Permits(write: false, B("/dir"), []));
        Assert.False(perms.Permits(write: false, B("/dir/"), B("\0")));
    }

    [Fact]
    public void SingleKeyPermission_DoesNotCoverARange()
    {
        var perms = RangePermissions.Merge([P(Permission.Types.Type.Read, "a")]);
        Assert.True(perms.Permits(write: false, B("a"), []));
        Assert.True(perms.Permits(write: false, B("a"), B("a\0")));
        Assert.False(perms.Permits(write: false, B("a"), B("b")));
        Assert.False(perms.Permits(write: false, B("ab"), []));
    }

    [Fact]
    public void NoPermissions_PermitNothing()
    {
        var perms = RangePermissions.Merge([]);
        Assert.False(perms.Permits(write: false, B("a"), []));
        Assert.False(perms.Permits(write: true, B("a"), B("\0")));
    }
}
