using EtcdNet.Storage;
using EtcdNet.Storage.Schema;
using Google.Protobuf;
using Pb = EtcdNet.Api.Membershippb;

namespace EtcdNet.Server.Membership;

/// <summary>
/// The members of the cluster as this member has applied them (conf changes and attribute updates from the log),
/// kept in the backend's members buckets so a restart finds them without the whole log. Thread-safe: the apply
/// loop writes, RPC handlers and the transport read.
/// </summary>
public sealed class RaftCluster
{
    private readonly Lock _mu = new();
    private readonly Dictionary<ulong, Member> _members = [];
    private readonly HashSet<ulong> _removed = [];
    private readonly Backend _backend;

    public RaftCluster(Backend backend, ulong localId, ulong clusterId)
    {
        _backend = backend;
        LocalId = localId;
        ClusterId = clusterId;
        Load();
    }

    public ulong LocalId { get; }

    public ulong ClusterId { get; private set; }

    /// <summary>Raised after any change, with the new member list (the transport follows it).</summary>
    public event Action<IReadOnlyList<Member>>? Changed;

    public IReadOnlyList<Member> Members
    {
        get
        {
            lock (_mu) return _members.Values.OrderBy(m => m.Id).ToList();
        }
    }

    public Member? Get(ulong id)
    {
        lock (_mu) return _members.GetValueOrDefault(id);
    }

    public bool IsRemoved(ulong id)
    {
        lock (_mu) return _removed.Contains(id);
    }

    /// <summary>
    /// Replaces the members with those the backend now holds (etcd's cluster Recover, after a leader's snapshot was
    /// installed), then raises <see cref="Changed"/> so the transport follows.
    /// </summary>
    public void Reload()
    {
        lock (_mu)
        {
            _members.Clear();
            _removed.Clear();
            Load();
        }
        Changed?.Invoke(Members);
    }

    /// <summary>Used when joining an existing cluster: the id comes from the members asked.</summary>
    public void SetClusterId(ulong clusterId) => ClusterId = clusterId;

    public void Add(Member member) => Update(member.Id, _ => member);

    public void Remove(ulong id)
    {
        lock (_mu)
        {
            _members.Remove(id);
            _removed.Add(id);
            _backend.BatchTx.Delete(Buckets.Members, MemberKey.Encode(id));
            _backend.BatchTx.Put(Buckets.MembersRemoved, MemberKey.Encode(id), new byte[] { 1 });
        }
        Changed?.Invoke(Members);
    }

    /// <summary>Changes one member (no-op for an unknown id) and persists it.</summary>
    public void Update(ulong id, Func<Member?, Member?> change)
    {
        lock (_mu)
        {
            var updated = change(_members.GetValueOrDefault(id));
            if (updated is null) return;
            _members[id] = updated;
            _backend.BatchTx.Put(Buckets.Members, MemberKey.Encode(id), ToProto(updated).ToByteArray());
        }
        Changed?.Invoke(Members);
    }

    private void Load()
    {
        using var read = _backend.ConcurrentReadTx();
        read.UnsafeForEach(Buckets.Members, (_, value) =>
        {
            var m = FromProto(Pb.Member.Parser.ParseFrom(value));
            _members[m.Id] = m;
            return true;
        });
        read.UnsafeForEach(Buckets.MembersRemoved, (key, _) =>
        {
            _removed.Add(MemberKey.Decode(key));
            return true;
        });
    }

    public static Pb.Member ToProto(Member m)
    {
        var pb = new Pb.Member
        {
            ID = m.Id,
            RaftAttributes = new Pb.RaftAttributes { IsLearner = m.IsLearner },
            MemberAttributes = new Pb.Attributes { Name = m.Name },
        };
        pb.RaftAttributes.PeerUrls.AddRange(m.PeerUrls);
        pb.MemberAttributes.ClientUrls.AddRange(m.ClientUrls);
        return pb;
    }

    public static Member FromProto(Pb.Member pb) => new(
        pb.ID,
        pb.MemberAttributes?.Name ?? "",
        pb.RaftAttributes?.PeerUrls.ToList() ?? [],
        pb.MemberAttributes?.ClientUrls.ToList() ?? [],
        pb.RaftAttributes?.IsLearner ?? false);
}
