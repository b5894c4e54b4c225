namespace EtcdNet.Server.Metrics;

/// <summary>Lock-free addition to a double kept as its 64-bit pattern.</summary>
internal static class AtomicDouble
{
    public static void Add(ref long bits, double delta)
    {
        var seen = Interlocked.Read(ref bits);
        while (true)
        {
            var next = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(seen) + delta);
            var found = Interlocked.CompareExchange(ref bits, next, seen);
            if (found == seen) return;
            seen = found;
        }
    }
}
