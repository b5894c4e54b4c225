using System.Text;
using PermType = EtcdNet.Api.Authpb.Permission.Types.Type;

namespace EtcdNet.Auth.Tests;

public sealed class AuthStoreCheckTests : AuthStoreFixture
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private void SetUpDocsFlow()
    {
        // etcd's auth docs: role r may write [test, test3); user u holds r.
        AddRole("r");
        GrantPermission("r", PermType.Write, "test", "test3");
        AddUser("u");
        Grant("u", "r");
        EnableWithRoot();
    }

    [Fact]
    public void Disabled_EverythingPasses_EvenAnonymous()
    {
        Store.IsPutPermitted(null, B("k"));
        Store.IsRangePermitted(null, B("k"), B("\0"));
        Store.IsDeleteRangePermitted(null, B("k"), []);
        Store.IsAdminPermitted(null);
    }

    [Fact]
    public void Enabled_Anonymous_UserEmpty()
    {
        EnableWithRoot();
        Assert.Equal(AuthError.UserEmpty, ErrorOf(() => Store.IsPutPermitted(null, B("k"))));
        Assert.Equal(AuthError.UserEmpty, ErrorOf(() => Store.IsRangePermitted(new AuthInfo("", 0), B("k"), [])));
        Assert.Equal(AuthError.UserEmpty, ErrorOf(() => Store.IsAdminPermitted(null)));
        Assert.Equal(AuthError.UserEmpty, ErrorOf(() => Store.IsAdminPermitted(new AuthInfo("", 5))));
    }

    [Fact]
    public void DocsFlow_PutInsideRangeAllowed_OutsideDenied_ReadDenied()
    {
        SetUpDocsFlow();
        AuthInfo u = Login("u");
        Store.IsPutPermitted(u, B("test"));
        Store.IsPutPermitted(u, B("test2"));
        Store.IsDeleteRangePermitted(u, B("test"), B("test3"));
        Assert.Equal(AuthError.PermissionDenied, ErrorOf(() => Store.IsPutPermitted(u, B("test4"))));
        Assert.Equal(AuthError.PermissionDenied, ErrorOf(() => Store.IsPutPermitted(u, B("test3"))));
        Assert.Equal(AuthError.PermissionDenied, ErrorOf(() => Store.IsDeleteRangePermitted(u, B("test"), B("test4"))));
        Assert.Equal(AuthError.PermissionDenied, ErrorOf(() => Store.IsRangePermitted(u, B("test"), [])));
        Assert.Equal(AuthError.PermissionDenied, ErrorOf(() => Store.IsAdminPermitted(u)));
    }

    [Fact]
    public void Root_PassesEverything()
    {
        SetUpDocsFlow();
        AuthInfo root = Login("root", "rootpw");
        Store.IsPutPermitted(root, B("anything"));
        Store.IsRangePermitted(root, B("\0"), B("\0"));
        Store.IsDeleteRangePermitted(root, B("a"), B("\0"));
        Store.IsAdminPermitted(root);
    }

    [Fact]
    public void OlderRevision_AuthOldRevision()
    {
        SetUpDocsFlow();
        AuthInfo u = Login("u");
        AddRole("unrelated"); // any auth change bumps the revision
        Assert.Equal(AuthError.AuthOldRevision, ErrorOf(() => Store.IsPutPermitted(u, B("test"))));
        Assert.Equal(AuthError.AuthOldRevision, ErrorOf(() => Store.IsRangePermitted(u, B("test"), [])));
        // A fresh login sees the new revision.
        Store.IsPutPermitted(Login("u"), B("test"));
    }

    [Fact]
    public void PermissionsFollowChanges_GrantRevokeAndRoleDelete()
    {
        SetUpDocsFlow();
        GrantPermission("r", PermType.Read, "a", "b");
        Store.IsRangePermitted(Login("u"), B("a"), B("b"));

        Store.RoleRevokePermission(new Api.Etcdserverpb.AuthRoleRevokePermissionRequest
        {
            Role = "r",
            Key = Google.Protobuf.ByteString.CopyFromUtf8("a"),
            RangeEnd = Google.Protobuf.ByteString.CopyFromUtf8("b"),
        });
        Assert.Equal(AuthError.PermissionDenied, ErrorOf(() => Store.IsRangePermitted(Login("u"), B("a"), B("b"))));

        Store.RoleDelete(new Api.Etcdserverpb.AuthRoleDeleteRequest { Role = "r" });
        Assert.Equal(AuthError.PermissionDenied, ErrorOf(() => Store.IsPutPermitted(Login("u"), B("test"))));
    }

    [Fact]
    public void DeletedUser_PermissionDenied_AdminUserNotFound()
    {
        SetUpDocsFlow();
        Store.UserDelete(new Api.Etcdserverpb.AuthUserDeleteRequest { Name = "u" });
        var ghost = new AuthInfo("u", Store.Revision);
        Assert.Equal(AuthError.PermissionDenied, ErrorOf(() => Store.IsPutPermitted(ghost, B("test"))));
        Assert.Equal(AuthError.UserNotFound, ErrorOf(() => Store.IsAdminPermitted(ghost)));
    }

    [Fact]
    public void PermissionsFromTwoRoles_Merge()
    {
        AddRole("r1");
        AddRole("r2");
        GrantPermission("r1", PermType.Read, "a", "m");
        GrantPermission("r2", PermType.Readwrite, "m", "\0");
        AddUser("u");
        Grant("u", "r1");
        Grant("u", "r2");
        EnableWithRoot();
        AuthInfo u = Login("u");
        Store.IsRangePermitted(u, B("a"), B("\0"));
        Store.IsPutPermitted(u, B("zzz"));
        Assert.Equal(AuthError.PermissionDenied, ErrorOf(() => Store.IsPutPermitted(u, B("b"))));
    }
}
