using System.Buffers.Binary;
using System.Text;
using EtcdNet.Api.Authpb;
using EtcdNet.Storage;
using EtcdNet.Storage.Schema;
using Google.Protobuf;

namespace EtcdNet.Auth;

/// <summary>
/// How auth state lies in the backend, as etcd lays it out: the auth bucket holds "authEnabled" (one byte, 1 or 0)
/// and "authRevision" (8 bytes big-endian); authUsers maps a user name to an authpb.User, authRoles a role name to an
/// authpb.Role.
/// </summary>
internal static class AuthBuckets
{
    private static readonly byte[] EnableFlagKey = "authEnabled"u8.ToArray();
    private static readonly byte[] RevisionKey = "authRevision"u8.ToArray();

    public static bool ReadEnabled(IBucketReader tx) =>
        tx.TryGet(Buckets.Auth, EnableFlagKey, out byte[]? v) && v.Length == 1 && v[0] == 1;

    public static void WriteEnabled(BatchTx tx, bool enabled) => tx.Put(Buckets.Auth, (byte[])EnableFlagKey.Clone(), new[] { enabled ? (byte)1 : (byte)0 });

    public static ulong ReadRevision(IBucketReader tx) =>
        tx.TryGet(Buckets.Auth, RevisionKey, out byte[]? v) && v.Length == 8 ? BinaryPrimitives.ReadUInt64BigEndian(v) : 0;

    public static void WriteRevision(BatchTx tx, ulong revision)
    {
        var v = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(v, revision);
        tx.Put(Buckets.Auth, (byte[])RevisionKey.Clone(), v);
    }

    public static List<User> ReadUsers(IBucketReader tx) => ReadAll(tx, Buckets.AuthUsers, User.Parser);

    public static List<Role> ReadRoles(IBucketReader tx) => ReadAll(tx, Buckets.AuthRoles, Role.Parser);

    public static void PutUser(BatchTx tx, User user) => tx.Put(Buckets.AuthUsers, user.Name.ToByteArray(), user.ToByteArray());

    public static void DeleteUser(BatchTx tx, string name) => tx.Delete(Buckets.AuthUsers, Encoding.UTF8.GetBytes(name));

    public static void PutRole(BatchTx tx, Role role) => tx.Put(Buckets.AuthRoles, role.Name.ToByteArray(), role.ToByteArray());

    public static void DeleteRole(BatchTx tx, string name) => tx.Delete(Buckets.AuthRoles, Encoding.UTF8.GetBytes(name));

    private static List<T> ReadAll<T>(IBucketReader tx, Bucket bucket, MessageParser<T> parser) where T : IMessage<T>
    {
        var result = new List<T>();
        // From the smallest possible key to the end of the bucket.
        tx.UnsafeRange(bucket, [], [], 0, (_, v) =>
        {
            result.Add(parser.ParseFrom(v.ToArray()));
            return true;
        });
        return result;
    }
}
