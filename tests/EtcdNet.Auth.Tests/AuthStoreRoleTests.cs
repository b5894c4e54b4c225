using EtcdNet.Api.Authpb;
using EtcdNet.Api.Etcdserverpb;
using Google.Protobuf;
using PermType = EtcdNet.Api.Authpb.Permission.Types.Type;

namespace EtcdNet.Auth.Tests;

public sealed class AuthStoreRoleTests : AuthStoreFixture
{
    private string[] Perms(string role) =>
        [.. Store.RoleGet(new AuthRoleGetRequest { Role = role }).Perm.Select(p => $"{p.PermType}:{p.Key.ToStringUtf8()}-{p.RangeEnd.ToStringUtf8()}")];

    [Fact]
    public void RoleAdd_EmptyName_RoleEmpty_Duplicate_RoleAlreadyExist()
    {
        Assert.Equal(AuthError.RoleEmpty, ErrorOf(() => AddRole("")));
        AddRole("r");
        Assert.Equal(AuthError.RoleAlreadyExist, ErrorOf(() => AddRole("r")));
        Assert.Equal(2UL, Store.Revision);
    }

    [Fact]
    public void UnknownRole_RoleNotFound_Everywhere()
    {
        Assert.Equal(AuthError.RoleNotFound, ErrorOf(() => Store.RoleGet(new AuthRoleGetRequest { Role = "x" })));
        Assert.Equal(AuthError.RoleNotFound, ErrorOf(() => Store.RoleDelete(new AuthRoleDeleteRequest { Role = "x" })));
        Assert.Equal(AuthError.RoleNotFound, ErrorOf(() => GrantPermission("x", PermType.Read, "k")));
        Assert.Equal(AuthError.RoleNotFound, ErrorOf(() => Store.RoleRevokePermission(new AuthRoleRevokePermissionRequest { Role = "x", Key = ByteString.CopyFromUtf8("k") })));
        Assert.Equal(1UL, Store.Revision);
    }

    [Fact]
    public void RoleList_Sorted()
    {
        AddRole("b");
        AddRole("a");
        AddRole("root");
        Assert.Equal(["a", "b", "root"], Store.RoleList(new AuthRoleListRequest()).Roles);
    }

    [Fact]
    public void RoleGrantPermission_SortedByKey_SameRangeReplacesType()
    {
        AddRole("r");
        GrantPermission("r", PermType.Read, "m");
        GrantPermission("r", PermType.Write, "a", "c");
        GrantPermission("r", PermType.Readwrite, "z", "\0");
        GrantPermission("r", PermType.Readwrite, "a", "c");
        Assert.Equal(["Readwrite:a-c", "Read:m-", "Readwrite:z-\0"], Perms("r"));
    }

    [Fact]
    public void RoleGrantPermission_NoPermission_PermissionNotGiven()
    {
        AddRole("r");
        Assert.Equal(AuthError.PermissionNotGiven, ErrorOf(() => Store.RoleGrantPermission(new AuthRoleGrantPermissionRequest { Name = "r" })));
    }

    [Fact]
    public void RoleRevokePermission_ExactRangeOnly()
    {
        AddRole("r");
        GrantPermission("r", PermType.Read, "a", "c");
        ulong revision = Store.Revision;
        Assert.Equal(AuthError.PermissionNotGranted, ErrorOf(() => Store.RoleRevokePermission(
            new AuthRoleRevokePermissionRequest { Role = "r", Key = ByteString.CopyFromUtf8("a") })));
        Assert.Equal(revision, Store.Revision);
        Store.RoleRevokePermission(new AuthRoleRevokePermissionRequest { Role = "r", Key = ByteString.CopyFromUtf8("a"), RangeEnd = ByteString.CopyFromUtf8("c") });
        Assert.Empty(Perms("r"));
    }

    [Fact]
    public void RoleDelete_RemovesItFromUsers()
    {
        AddRole("r");
        AddRole("s");
        AddUser("u");
        AddUser("v");
        Grant("u", "r");
        Grant("u", "s");
        Grant("v", "r");
        Store.RoleDelete(new AuthRoleDeleteRequest { Role = "r" });
        Assert.Equal(["s"], Store.UserGet(new AuthUserGetRequest { Name = "u" }).Roles);
        Assert.Empty(Store.UserGet(new AuthUserGetRequest { Name = "v" }).Roles);
        Assert.Equal(["s"], Store.RoleList(new AuthRoleListRequest()).Roles);
    }

    [Fact]
    public void AuthEnable_WithoutRoot_RootUserNotExist_WithoutRootRole_RootRoleNotExist()
    {
        Assert.Equal(AuthError.RootUserNotExist, ErrorOf(Store.AuthEnable));
        AddUser("root");
        Assert.Equal(AuthError.RootRoleNotExist, ErrorOf(Store.AuthEnable));
        Assert.False(Store.IsEnabled);
        Grant("root", "root");
        ulong revision = Store.Revision;
        Store.AuthEnable();
        Assert.True(Store.IsEnabled);
        Assert.Equal(revision, Store.Revision); // enabling doesn't bump it, as etcd
        Store.AuthEnable();
        Assert.Equal(revision, Store.Revision);
    }

    [Fact]
    public void AuthDisable_BumpsRevision_ForgetsTokens_TwiceIsNoop()
    {
        EnableWithRoot();
        string token = Store.Authenticate("root", "abcdefghijklmnop.5").Token;
        ulong revision = Store.Revision;
        Store.AuthDisable();
        Assert.False(Store.IsEnabled);
        Assert.Equal(revision + 1, Store.Revision);
        Store.AuthDisable();
        Assert.Equal(revision + 1, Store.Revision);
        Assert.Equal(AuthError.InvalidAuthToken, ErrorOf(() => Store.AuthInfoFromToken(token)));
    }
}
