using System.Text.Json.Serialization;

namespace EtcdNet.Robustness.History;

/// <summary>A watch event's type.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WatchEventType>))]
public enum WatchEventType
{
    /// <summary>A put (creation or update).</summary>
    Put,
    /// <summary>A delete (explicit, or by lease expiry/revoke).</summary>
    Delete,
}

/// <summary>The request that opened a watch: one key, or [Key, RangeEnd), from StartRevision (0 = from now).</summary>
public sealed record WatchRequest(string Key, string? RangeEnd = null, long StartRevision = 0, bool ProgressNotify = false)
{
    /// <summary>A watch of every key starting with <paramref name="prefix"/>.</summary>
    public static WatchRequest Prefix(string prefix, long startRevision = 0) => new(prefix, KeyRange.PrefixEnd(prefix), startRevision);
}

/// <summary>One watch event; a delete carries the deletion revision as ModRevision and empty value, version 0.</summary>
public sealed record WatchEvent(WatchEventType Type, string Key, string Value, long ModRevision, long CreateRevision, long Version);

/// <summary>One response received on a watch: its header revision, events, and the cancel/compaction details if any.</summary>
public sealed record WatchResponse(
    long ReceivedNanos,
    long Revision,
    IReadOnlyList<WatchEvent> Events,
    bool Canceled = false,
    long CompactRevision = 0,
    string? CancelReason = null)
{
    /// <summary>A response with no events and not canceled (a progress notification).</summary>
    [JsonIgnore]
    public bool IsProgressNotify => Events.Count == 0 && !Canceled;
}

/// <summary>
/// Everything one watch saw: the member it was opened on, the client, the request and the responses in arrival order.
/// A watch restarted after a failure is a new record (usually from the last seen revision + 1).
/// </summary>
public sealed record WatchRecord(int Id, string Member, int ClientId, long OpenedNanos, WatchRequest Request, IReadOnlyList<WatchResponse> Responses);
