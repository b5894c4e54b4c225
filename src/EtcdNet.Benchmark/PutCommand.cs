using System.CommandLine;
using System.Security.Cryptography;
using EtcdNet.Api.Etcdserverpb;
using Google.Protobuf;

namespace EtcdNet.Benchmark;

/// <summary>The `put` command: writes keys as fast as the clients can, like etcd's `benchmark put`.</summary>
public static class PutCommand
{
    /// <summary>What one put run sends.</summary>
    public sealed record Settings(int Total, int KeySize, int ValSize, bool SequentialKeys, int KeySpaceSize, double Rate);

    /// <summary>Builds the command with etcd's flag names and defaults.</summary>
    public static Command Create()
    {
        var total = new Option<int>("--total") { Description = "Total number of put requests", DefaultValueFactory = _ => 10000 };
        var keySize = new Option<int>("--key-size") { Description = "Key size of put request", DefaultValueFactory = _ => 8 };
        var valSize = new Option<int>("--val-size") { Description = "Value size of put request", DefaultValueFactory = _ => 8 };
        var sequential = new Option<bool>("--sequential-keys") { Description = "Use sequential keys" };
        var keySpace = new Option<int>("--key-space-size") { Description = "Maximum possible keys", DefaultValueFactory = _ => 1 };
        var rate = new Option<double>("--rate") { Description = "Maximum puts per second (0 is no limit)" };
        var command = new Command("put", "Benchmark put") { total, keySize, valSize, sequential, keySpace, rate };
        ClientFlags.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var settings = new Settings(parse.GetValue(total), parse.GetValue(keySize), parse.GetValue(valSize),
                parse.GetValue(sequential), parse.GetValue(keySpace), parse.GetValue(rate));
            using var kv = ClientFlags.Connect(parse);
            var report = await RunAsync(kv, ClientFlags.ClientCount(parse), settings, ct).ConfigureAwait(false);
            Console.Write(report.Format(parse.GetValue(ClientFlags.Precise)));
            return report.ErrorCount == 0 ? 0 : 1;
        });
        return command;
    }

    /// <summary>Runs the puts over <paramref name="kv"/> from <paramref name="clients"/> clients.</summary>
    public static Task<Report> RunAsync(KvConnections kv, int clients, Settings settings, CancellationToken ct)
    {
        Validate(settings);
        // Random bytes, as etcd does, so a compressing backend gets no free win; one immutable copy serves every request.
        var value = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(settings.ValSize));
        var keys = new byte[clients][];
        var requests = new PutRequest[clients];
        for (int c = 0; c < clients; c++)
        {
            keys[c] = new byte[settings.KeySize];
            // The key wraps the client's buffer: rewritten in place per request, safe because a client's calls never overlap.
            requests[c] = new PutRequest { Key = UnsafeByteOperations.UnsafeWrap(keys[c]), Value = value };
        }

        return LoadRunner.RunAsync(clients, settings.Total, settings.Rate, (client, sequence) =>
        {
            long n = settings.SequentialKeys ? sequence % settings.KeySpaceSize : Random.Shared.Next(settings.KeySpaceSize);
            var key = keys[client];
            Array.Clear(key);
            WriteVarint(key, n);
            return kv.PutAsync(client, requests[client], ct);
        }, ct);
    }

    private static void Validate(Settings s)
    {
        if (s.Total < 0 || s.KeySize < 1 || s.ValSize < 0 || s.KeySpaceSize < 1)
        {
            throw new ArgumentException("--total, --key-size, --val-size and --key-space-size must be positive");
        }

        if (VarintLength(s.KeySpaceSize - 1) > s.KeySize)
        {
            throw new ArgumentException($"--key-size {s.KeySize} is too small for --key-space-size {s.KeySpaceSize}");
        }
    }

    // Go's binary.PutVarint (zig-zag, then 7 bits a byte), so keys have the same bytes as etcd's benchmark writes.
    private static void WriteVarint(Span<byte> destination, long value)
    {
        ulong u = (ulong)value << 1;
        if (value < 0)
        {
            u = ~u;
        }

        int i = 0;
        while (u >= 0x80)
        {
            destination[i++] = (byte)(u | 0x80);
            u >>= 7;
        }

        destination[i] = (byte)u;
    }

    private static int VarintLength(long value)
    {
        ulong u = (ulong)value << 1;
        int n = 1;
        while (u >= 0x80)
        {
            u >>= 7;
            n++;
        }

        return n;
    }
}
