using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Storage.Schema;
using PermType = EtcdNet.Api.Authpb.Permission.Types.Type;

namespace EtcdNet.Auth.Tests;

public sealed class AuthStorePersistenceTests : AuthStoreFixture
{
    [Fact]
    public void Reopen_KeepsUsersRolesPermissionsRevisionAndEnabledFlag()
    {
        AddRole("r");
        GrantPermission("r", PermType.Write, "test", "test3");
        AddUser("u", "secret");
        Grant("u", "r");
        EnableWithRoot();
        ulong revision = Store.Revision;

        Reopen();

        Assert.True(Store.IsEnabled);
        Assert.Equal(revision, Store.Revision);
        Assert.Equal(["root", "u"], Store.UserList(new AuthUserListRequest()).Users);
        Assert.Equal(["r"], Store.UserGet(new AuthUserGetRequest { Name = "u" }).Roles);
        Assert.Single(Store.RoleGet(new AuthRoleGetRequest { Role = "r" }).Perm);
        Store.CheckPassword("u", "secret");
        Store.IsPutPermitted(Login("u", "secret"), "test2"u8);
    }

    [Fact]
    public void Reopen_TokensDoNotSurvive()
    {
        EnableWithRoot();
        string token = Store.Authenticate("root", "abcdefghijklmnop.9").Token;
        Reopen();
        Assert.Equal(AuthError.InvalidAuthToken, ErrorOf(() => Store.AuthInfoFromToken(token)));
    }

    [Fact]
    public void Layout_AsEtcd_EnabledFlagAndBigEndianRevision()
    {
        EnableWithRoot();
        Assert.True(Backend.BatchTx.TryGet(Buckets.Auth, "authEnabled"u8, out byte[]? flag));
        Assert.Equal([1], flag);
        Assert.True(Backend.BatchTx.TryGet(Buckets.Auth, "authRevision"u8, out byte[]? rev));
        Assert.Equal(Store.Revision, System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(rev));
        Assert.True(Backend.BatchTx.TryGet(Buckets.AuthUsers, "root"u8, out byte[]? user));
        var parsed = EtcdNet.Api.Authpb.User.Parser.ParseFrom(user);
        Assert.Equal("root", parsed.Name.ToStringUtf8());
        Assert.Equal(["root"], parsed.Roles);
        Assert.StartsWith("$2a$04$", parsed.Password.ToStringUtf8());
    }

    [Fact]
    public void Recover_ReloadsAfterTheBackendChangedUnderneath()
    {
        string snapshot = Path.Combine(Path.GetTempPath(), $"auth-snap-{Guid.NewGuid():N}");
        try
        {
            AddUser("kept");
            Backend.Commit();
            Backend.SnapshotTo(snapshot);
            AddUser("later");
            EnableWithRoot();
            Backend.Commit();

            Backend.Restore(snapshot);
            Store.Recover();

            Assert.False(Store.IsEnabled);
            Assert.Equal(["kept"], Store.UserList(new AuthUserListRequest()).Users);
            Assert.Equal(2UL, Store.Revision);
        }
        finally
        {
            File.Delete(snapshot);
        }
    }
}
