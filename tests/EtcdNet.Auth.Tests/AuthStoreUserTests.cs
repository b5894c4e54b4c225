using EtcdNet.Api.Authpb;
using EtcdNet.Api.Etcdserverpb;

namespace EtcdNet.Auth.Tests;

public sealed class AuthStoreUserTests : AuthStoreFixture
{
    [Fact]
    public void NewStore_StartsAtRevisionOne_Disabled()
    {
        Assert.Equal(1UL, Store.Revision);
        Assert.False(Store.IsEnabled);
        Assert.Equal(4, Store.BcryptCost);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(32)]
    public void BcryptCost_OutOfRange_FallsBackToDefault(int cost)
    {
        using var store = new AuthStore(Backend, new NopTokenProvider(), cost, Clock);
        Assert.Equal(AuthStore.DefaultBcryptCost, store.BcryptCost);
    }

    [Fact]
    public void UserAdd_ThenGetAndList()
    {
        AddUser("bob");
        AddUser("alice");
        Assert.Equal(3UL, Store.Revision);
        Assert.Equal(["alice", "bob"], Store.UserList(new AuthUserListRequest()).Users);
        Assert.Empty(Store.UserGet(new AuthUserGetRequest { Name = "bob" }).Roles);
    }

    [Fact]
    public void UserAdd_EmptyName_UserEmpty_NothingChanged()
    {
        Assert.Equal(AuthError.UserEmpty, ErrorOf(() => AddUser("")));
        Assert.Equal(1UL, Store.Revision);
        Assert.Empty(Store.UserList(new AuthUserListRequest()).Users);
    }

    [Fact]
    public void UserAdd_Duplicate_UserAlreadyExist()
    {
        AddUser("bob");
        Assert.Equal(AuthError.UserAlreadyExist, ErrorOf(() => AddUser("bob")));
        Assert.Equal(2UL, Store.Revision);
    }

    [Fact]
    public void UnknownUser_UserNotFound_Everywhere()
    {
        Assert.Equal(AuthError.UserNotFound, ErrorOf(() => Store.UserGet(new AuthUserGetRequest { Name = "x" })));
        Assert.Equal(AuthError.UserNotFound, ErrorOf(() => Store.UserDelete(new AuthUserDeleteRequest { Name = "x" })));
        Assert.Equal(AuthError.UserNotFound, ErrorOf(() => Store.UserChangePassword(new AuthUserChangePasswordRequest { Name = "x", HashedPassword = "h" })));
        Assert.Equal(AuthError.UserNotFound, ErrorOf(() => Grant("x", "root")));
        Assert.Equal(AuthError.UserNotFound, ErrorOf(() => Store.UserRevokeRole(new AuthUserRevokeRoleRequest { Name = "x", Role = "r" })));
        Assert.Equal(1UL, Store.Revision);
    }

    [Fact]
    public void UserGrantRole_MissingRole_RoleNotFound_ButRootRoleNeedsNoRecord()
    {
        AddUser("u");
        Assert.Equal(AuthError.RoleNotFound, ErrorOf(() => Grant("u", "nope")));
        Grant("u", "root");
        Assert.True(Store.HasRole("u", "root"));
        Assert.False(Store.HasRole("u", "nope"));
        Assert.False(Store.HasRole("ghost", "root"));
    }

    [Fact]
    public void UserGrantRole_KeepsRolesSorted_AndRegrantChangesNothing()
    {
        AddUser("u");
        AddRole("zeta");
        AddRole("alpha");
        AddRole("mid");
        Grant("u", "zeta");
        Grant("u", "alpha");
        Grant("u", "mid");
        ulong revision = Store.Revision;
        Grant("u", "mid");
        Assert.Equal(revision, Store.Revision);
        Assert.Equal(["alpha", "mid", "zeta"], Store.UserGet(new AuthUserGetRequest { Name = "u" }).Roles);
    }

    [Fact]
    public void UserRevokeRole_NotGranted_RoleNotGranted()
    {
        AddUser("u");
        AddRole("r");
        Assert.Equal(AuthError.RoleNotGranted, ErrorOf(() => Store.UserRevokeRole(new AuthUserRevokeRoleRequest { Name = "u", Role = "r" })));
        Grant("u", "r");
        Store.UserRevokeRole(new AuthUserRevokeRoleRequest { Name = "u", Role = "r" });
        Assert.Empty(Store.UserGet(new AuthUserGetRequest { Name = "u" }).Roles);
    }

    [Fact]
    public void RootManagement_WhileEnabled_InvalidAuthMgmt_AllowedWhenDisabled()
    {
        EnableWithRoot();
        ulong revision = Store.Revision;
        Assert.Equal(AuthError.InvalidAuthMgmt, ErrorOf(() => Store.UserDelete(new AuthUserDeleteRequest { Name = "root" })));
        Assert.Equal(AuthError.InvalidAuthMgmt, ErrorOf(() => Store.UserRevokeRole(new AuthUserRevokeRoleRequest { Name = "root", Role = "root" })));
        Assert.Equal(AuthError.InvalidAuthMgmt, ErrorOf(() => Store.RoleDelete(new AuthRoleDeleteRequest { Role = "root" })));
        Assert.Equal(revision, Store.Revision);

        Store.AuthDisable();
        Store.UserRevokeRole(new AuthUserRevokeRoleRequest { Name = "root", Role = "root" });
        Store.UserDelete(new AuthUserDeleteRequest { Name = "root" });
        Assert.Empty(Store.UserList(new AuthUserListRequest()).Users);
    }

    [Fact]
    public void CheckPassword_RightWrongAndUnknown()
    {
        EnableWithRoot();
        AddUser("u", "secret");
        Assert.Equal(Store.Revision, Store.CheckPassword("u", "secret"));
        Assert.Equal(AuthError.AuthFailed, ErrorOf(() => Store.CheckPassword("u", "Secret")));
        Assert.Equal(AuthError.AuthFailed, ErrorOf(() => Store.CheckPassword("ghost", "secret")));
    }

    [Fact]
    public void CheckPassword_AuthDisabled_AuthNotEnabled()
    {
        AddUser("u", "secret");
        Assert.Equal(AuthError.AuthNotEnabled, ErrorOf(() => Store.CheckPassword("u", "secret")));
        Assert.Equal(AuthError.AuthNotEnabled, ErrorOf(() => Store.Authenticate("u", "abc.1")));
    }

    [Fact]
    public void NoPasswordUser_CannotAuthenticate()
    {
        EnableWithRoot();
        Store.UserAdd(new AuthUserAddRequest { Name = "np", Options = new UserAddOptions { NoPassword = true } });
        Assert.Equal(AuthError.NoPasswordUser, ErrorOf(() => Store.CheckPassword("np", "")));
        Assert.Equal(AuthError.AuthFailed, ErrorOf(() => Store.Authenticate("np", "abc.1")));
    }

    [Fact]
    public void UserAdd_ClearPasswordOnly_IsHashedHere()
    {
        EnableWithRoot();
        Store.UserAdd(new AuthUserAddRequest { Name = "old", Password = "pw" });
        Assert.Equal(Store.Revision, Store.CheckPassword("old", "pw"));
    }

    [Fact]
    public void UserAdd_HashedPasswordFromGoBcrypt_Verifies()
    {
        EnableWithRoot();
        Store.UserAdd(new AuthUserAddRequest { Name = "g", HashedPassword = "$2a$10$N9qo8uLOickgx2ZMRZoMye8fOsiTWZqYtkxvXkKm8BMzjT7t/vIdq" });
        Store.CheckPassword("g", "password");
    }

    [Fact]
    public void UserChangePassword_NewPasswordWorks_OldTokensDropped()
    {
        EnableWithRoot();
        AddUser("u", "one");
        AuthInfo info = Login("u", "one");
        string token = Store.Authenticate("u", "prefixprefixpref.77").Token;
        Store.UserChangePassword(new AuthUserChangePasswordRequest { Name = "u", HashedPassword = Store.HashPassword("two") });
        Assert.Equal(AuthError.AuthFailed, ErrorOf(() => Store.CheckPassword("u", "one")));
        Store.CheckPassword("u", "two");
        Assert.Equal(AuthError.InvalidAuthToken, ErrorOf(() => Store.AuthInfoFromToken(token)));
        Assert.True(info.Revision < Store.Revision);
    }

    [Fact]
    public void UserDelete_DropsTheirTokens_OnlyTheirs()
    {
        EnableWithRoot();
        AddUser("u");
        AddUser("v");
        string tu = Store.Authenticate("u", "aaaaaaaaaaaaaaaa.1").Token;
        string tv = Store.Authenticate("v", "aaaaaaaaaaaaaaaa.2").Token;
        Store.UserDelete(new AuthUserDeleteRequest { Name = "u" });
        Assert.Equal(AuthError.InvalidAuthToken, ErrorOf(() => Store.AuthInfoFromToken(tu)));
        Assert.Equal("v", Store.AuthInfoFromToken(tv)!.Username);
    }

    [Fact]
    public void AuthInfoFromToken_EmptyIsAnonymous_GarbageIsInvalid()
    {
        EnableWithRoot();
        Assert.Null(Store.AuthInfoFromToken(""));
        Assert.Equal(AuthError.InvalidAuthToken, ErrorOf(() => Store.AuthInfoFromToken("nonsense")));
        Assert.Equal(AuthError.InvalidAuthToken, ErrorOf(() => Store.AuthInfoFromToken("abc.1")));
    }

    [Fact]
    public void GenerateSimpleTokenPrefix_SixteenLetters()
    {
        string prefix = Store.GenerateSimpleTokenPrefix();
        Assert.Matches("^[a-zA-Z]{16}$", prefix);
        Assert.NotEqual(prefix, Store.GenerateSimpleTokenPrefix());
    }

    [Fact]
    public void HashPassword_NeverTheClearText_AndVerifies()
    {
        string hash = Store.HashPassword("pw");
        Assert.DoesNotContain("pw", hash, StringComparison.Ordinal);
        Assert.StartsWith("$2a$04$", hash);
        Assert.True(Bcrypt.Verify("pw", hash));
    }
}
