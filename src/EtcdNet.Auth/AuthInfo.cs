namespace EtcdNet.Auth;

/// <summary>Who a request is authenticated as, and the auth revision that identity was checked against.</summary>
public sealed record AuthInfo(string Username, ulong Revision);
