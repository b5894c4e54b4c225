namespace EtcdNet.Storage;

/// <summary>
/// Receives one key/value pair of a range; return false to stop. The spans are valid only during the call
/// (they may point into SQLite's page buffer), so copy what you keep.
/// </summary>
public delegate bool KeyValueVisitor(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);
