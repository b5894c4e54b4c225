using EtcdNet.Grpc;
using EtcdNet.Robustness.History;
using EtcdNet.Robustness.Model;

namespace EtcdNet.Robustness.Traffic;

/// <summary>
/// Sorts a failed request into a definite error (the request was refused and changed nothing, and the model knows
/// the error) or an unknown outcome (timeout, lost connection, leader change: it may have taken effect).
/// </summary>
public static class Outcome
{
    /// <summary>The definite error response for <paramref name="error"/>, or null when the outcome is unknown.</summary>
    public static ErrorResponse? Definite(Exception error) =>
        error is RpcException rpc && ModelErrors.Classify(rpc.Detail) is { } known ? new ErrorResponse(known) : null;

    /// <summary>A one-line description for the history.</summary>
    public static string Describe(Exception error) => error switch
    {
        RpcException rpc => $"rpc error: code = {rpc.StatusCode} desc = {rpc.Detail}",
        OperationCanceledException => "canceled",
        _ => $"{error.GetType().Name}: {error.Message}",
    };
}
