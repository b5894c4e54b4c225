using EtcdNet.Robustness.Model;

namespace EtcdNet.Robustness.Checker;

/// <summary>How <see cref="HistoryChecker"/> runs.</summary>
/// <param name="Timeout">Time limit of the linearizability search (60 s by default).</param>
/// <param name="Initial">The store before the first operation (an empty store at revision 1 by default).</param>
/// <param name="PatchFromWatches">Settle unknown puts from watch events first (needs unique put values).</param>
/// <param name="SerializableInRevisionOrder">Hold serializable reads to the per-client revision order too.</param>
public sealed record CheckOptions(
    TimeSpan? Timeout = null,
    EtcdState? Initial = null,
    bool PatchFromWatches = true,
    bool SerializableInRevisionOrder = false);
