using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Storage;
using EtcdNet.Storage.Schema;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace EtcdNet.Server.Alarm;

/// <summary>
/// The raised alarms (etcd's v3alarm store): at most one per member and type, kept in memory for the gates and
/// written to the backend's alarm bucket in the same batch as the entry that raised or cleared it. As in etcd the
/// bucket key is the marshalled AlarmMember and the value is empty, so a data dir moves between the two unchanged.
/// </summary>
public sealed partial class AlarmStore
{
    private readonly Backend _backend;
    private readonly ILogger _logger;
    private readonly Lock _mu = new();
    private readonly Dictionary<AlarmType, Dictionary<ulong, AlarmMember>> _types = [];

    public AlarmStore(Backend backend, ILogger logger)
    {
        _backend = backend;
        _logger = logger;
        Restore();
    }

    /// <summary>True while at least one member has an alarm of this type raised.</summary>
    public bool IsActive(AlarmType type)
    {
        lock (_mu) return _types.TryGetValue(type, out var set) && set.Count > 0;
    }

    /// <summary>Raised alarms of one type, or all of them for NONE; ordered by type, then member id.</summary>
    public IReadOnlyList<AlarmMember> Get(AlarmType type)
    {
        lock (_mu)
        {
            return _types.Where(t => type == AlarmType.None || t.Key == type)
                .OrderBy(t => t.Key)
                .SelectMany(t => t.Value.Values.OrderBy(m => m.MemberID))
                .Select(m => m.Clone())
                .ToList();
        }
    }

    /// <summary>Raises an alarm; raising one that is already up changes nothing and returns the existing one.</summary>
    public AlarmMember Activate(ulong memberId, AlarmType type)
    {
        lock (_mu)
        {
            var set = SetOf(type);
            if (set.TryGetValue(memberId, out var existing)) return existing.Clone();
            var alarm = new AlarmMember { MemberID = memberId, Alarm = type };
            set[memberId] = alarm;
            _backend.BatchTx.Put(Buckets.Alarm, alarm.ToByteArray(), Array.Empty<byte>());
            return alarm.Clone();
        }
    }

    /// <summary>Clears an alarm; null when it was not raised.</summary>
    public AlarmMember? Deactivate(ulong memberId, AlarmType type)
    {
        lock (_mu)
        {
            var set = SetOf(type);
            if (!set.Remove(memberId, out var removed)) return null;
            _backend.BatchTx.Delete(Buckets.Alarm, removed.ToByteArray());
            return removed.Clone();
        }
    }

    /// <summary>
    /// Applies a committed Maintenance.Alarm request as etcd's applier does: GET lists, ACTIVATE answers the raised
    /// alarm, DEACTIVATE the cleared one (nothing when it was not raised). The first alarm of a type and the last
    /// one cleared are logged, as etcd logs them.
    /// </summary>
    public AlarmResponse Apply(AlarmRequest request)
    {
        var response = new AlarmResponse();
        int before = Get(request.Alarm).Count;
        switch (request.Action)
        {
            case AlarmRequest.Types.AlarmAction.Get:
                response.Alarms.AddRange(Get(request.Alarm));
                break;
            case AlarmRequest.Types.AlarmAction.Activate:
                var raised = Activate(request.MemberID, request.Alarm);
                response.Alarms.Add(raised);
                if (before == 0 && Get(raised.Alarm).Count == 1)
                {
                    LogRaised(_logger, AlarmName(raised.Alarm), MemberIdText(raised.MemberID));
                }
                break;
            case AlarmRequest.Types.AlarmAction.Deactivate:
                if (Deactivate(request.MemberID, request.Alarm) is not { } cleared) break;
                response.Alarms.Add(cleared);
                if (before > 0 && Get(request.Alarm).Count == 0)
                {
                    LogDisarmed(_logger, AlarmName(cleared.Alarm), MemberIdText(cleared.MemberID));
                }
                break;
        }
        return response;
    }

    /// <summary>Reloads the alarms from the backend (at start, and after a snapshot replaced the backend's data).</summary>
    public void Restore()
    {
        var loaded = new List<AlarmMember>();
        using (var tx = _backend.ConcurrentReadTx())
        {
            tx.UnsafeForEach(Buckets.Alarm, (key, _) =>
            {
                loaded.Add(AlarmMember.Parser.ParseFrom(key));
                return true;
            });
        }
        lock (_mu)
        {
            _types.Clear();
            foreach (var alarm in loaded) SetOf(alarm.Alarm).TryAdd(alarm.MemberID, alarm);
        }
    }

    /// <summary>etcd's AlarmType names (NONE, NOSPACE, CORRUPT), as its logs and etcdctl print them.</summary>
    public static string AlarmName(AlarmType type) => type switch
    {
        AlarmType.None => "NONE",
        AlarmType.Nospace => "NOSPACE",
        AlarmType.Corrupt => "CORRUPT",
        _ => ((int)type).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private Dictionary<ulong, AlarmMember> SetOf(AlarmType type)
    {
        if (!_types.TryGetValue(type, out var set)) _types[type] = set = [];
        return set;
    }

    private static string MemberIdText(ulong id) => id.ToString("x", System.Globalization.CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 8001, Level = LogLevel.Warning, Message = "alarm raised alarm={Alarm} from={From}")]
    private static partial void LogRaised(ILogger logger, string alarm, string from);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Warning, Message = "alarm disarmed alarm={Alarm} from={From}")]
    private static partial void LogDisarmed(ILogger logger, string alarm, string from);
}
