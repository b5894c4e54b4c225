using System.Text.Json.Serialization;

namespace EtcdNet.Robustness.History;

/// <summary>
/// One client-observed operation: who called, when it was called and when it returned (monotonic nanoseconds since the
/// recording started), the request and the response. An operation whose outcome is unknown (timeout, connection lost)
/// has <see cref="ReturnNanos"/> = <see cref="Infinity"/> and no response: it may or may not have taken effect.
/// </summary>
public sealed record Operation(int Id, int ClientId, long CallNanos, long ReturnNanos, Request Request, Response? Response, string? Error = null)
{
    /// <summary>The return time of an operation whose outcome is unknown.</summary>
    public const long Infinity = long.MaxValue;

    /// <summary>True when the client never learned whether the operation took effect.</summary>
    [JsonIgnore]
    public bool IsUnknown => Response is null;

    /// <summary>True when the server refused the request with a definite error.</summary>
    [JsonIgnore]
    public bool IsError => Response is ErrorResponse;

    /// <summary>A short form for violation messages.</summary>
    public override string ToString()
    {
        var ret = ReturnNanos == Infinity ? "inf" : ReturnNanos.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var outcome = Response is not null ? OperationText.Describe(Response) : $"unknown ({Error ?? "no answer"})";
        return $"#{Id} client {ClientId} [{CallNanos}, {ret}] {OperationText.Describe(Request)} -> {outcome}";
    }
}
