using System.Security.Cryptography;
using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using EtcdNet.Server.Services;
using EtcdNet.Server.Tests.Hosting;
using Google.Protobuf;

namespace EtcdNet.Server.Tests.Maintenance;

/// <summary>The Maintenance RPCs added for issue 8 through the real gRPC layer, with etcd's codes and messages.</summary>
public sealed class MaintenanceOverGrpcTests : IAsyncLifetime
{
    private InProcessMember _member = null!;

    public async Task InitializeAsync() => _member = await InProcessMember.StartAsync();

    public async Task DisposeAsync() => await _member.DisposeAsync();

    private Task<PutResponse> Put(string key, string value) =>
        _member.CallAsync<PutRequest, PutResponse>("/etcdserverpb.KV/Put",
            new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8(value) });

    private Task<HashKVResponse> HashKV(long revision) =>
        _member.CallAsync<HashKVRequest, HashKVResponse>("/etcdserverpb.Maintenance/HashKV", new HashKVRequest { Revision = revision });

    private Task<DowngradeResponse> Downgrade(DowngradeRequest.Types.DowngradeAction action, string version) =>
        _member.CallAsync<DowngradeRequest, DowngradeResponse>("/etcdserverpb.Maintenance/Downgrade",
            new DowngradeRequest { Action = action, Version = version });

    [Fact]
    public async Task HashKV_CompactedAndFutureRevisions_GetEtcdsErrors()
    {
        for (int i = 0; i < 4; i++)
        {
            await Put("k", "v" + i);
        }
        await _member.CallAsync<CompactionRequest, CompactionResponse>("/etcdserverpb.KV/Compact", new CompactionRequest { Revision = 3 });

        var compacted = await Assert.ThrowsAsync<RpcException>(() => HashKV(3));
        Assert.Equal((StatusCode.OutOfRange, "etcdserver: mvcc: required revision has been compacted"), (compacted.StatusCode, compacted.Detail));
        var future = await Assert.ThrowsAsync<RpcException>(() => HashKV(6));
        Assert.Equal((StatusCode.OutOfRange, "etcdserver: mvcc: required revision is a future revision"), (future.StatusCode, future.Detail));

        var ok = await HashKV(0);
        Assert.Equal(3, ok.CompactRevision);
        Assert.Equal(5, ok.Header.Revision);
        Assert.Equal(_member.Host.Server.MemberId, ok.Header.MemberId);
    }

    [Fact]
    public async Task Hash_MovesWithWritesAndCarriesCurrentRevision()
    {
        await Put("a", "1");
        var first = await _member.CallAsync<HashRequest, HashResponse>("/etcdserverpb.Maintenance/Hash", new HashRequest());
        await Put("a", "2");
        var second = await _member.CallAsync<HashRequest, HashResponse>("/etcdserverpb.Maintenance/Hash", new HashRequest());
        Assert.Equal(2, first.Header.Revision);
        Assert.Equal(3, second.Header.Revision);
        Assert.NotEqual(first.Hash, second.Hash);
    }

    [Fact]
    public async Task Snapshot_StreamsChunksCountingDownThenSha256OfThem()
    {
        await Put("snap", new string('s', 100_000));
        var chunks = new List<SnapshotResponse>();
        await foreach (var r in _member.Channel.ServerStreaming("/etcdserverpb.Maintenance/Snapshot", new SnapshotRequest(),
            ProtoMarshaller.For<SnapshotRequest>(), ProtoMarshaller.For<SnapshotResponse>()))
        {
            chunks.Add(r);
        }
        Assert.True(chunks.Count >= 3, $"{chunks.Count} messages");
        var data = chunks[..^1].SelectMany(c => c.Blob.ToByteArray()).ToArray();
        Assert.All(chunks[..^2], c => Assert.Equal(32 * 1024, c.Blob.Length));
        long remaining = data.Length;
        foreach (var c in chunks[..^1])
        {
            remaining -= c.Blob.Length;
            Assert.Equal((ulong)remaining, c.RemainingBytes);
        }
        Assert.Equal(SHA256.HashData(data), chunks[^1].Blob.ToByteArray());
        Assert.Equal(0UL, chunks[^1].RemainingBytes);
    }

    [Fact]
    public async Task Defragment_AnswersAndServerKeepsServing()
    {
        await Put("a", "1");
        await _member.CallAsync<DefragmentRequest, DefragmentResponse>("/etcdserverpb.Maintenance/Defragment", new DefragmentRequest());
        var put = await Put("a", "2");
        Assert.Equal(3, put.Header.Revision);
    }

    [Fact]
    public async Task DowngradeValidate_OneMinorBelow_ReturnsClusterVersion()
    {
        var response = await Downgrade(DowngradeRequest.Types.DowngradeAction.Validate, "3.4.0");
        Assert.Equal("3.5.0", response.Version);
    }

    [Theory]
    [InlineData(DowngradeRequest.Types.DowngradeAction.Validate, "3.4", StatusCode.InvalidArgument, "etcdserver: wrong downgrade target version format")]
    [InlineData(DowngradeRequest.Types.DowngradeAction.Validate, "3.3.0", StatusCode.InvalidArgument, "etcdserver: invalid downgrade target version")]
    [InlineData(DowngradeRequest.Types.DowngradeAction.Validate, "3.5.0", StatusCode.InvalidArgument, "etcdserver: invalid downgrade target version")]
    [InlineData(DowngradeRequest.Types.DowngradeAction.Enable, "x.y.z", StatusCode.InvalidArgument, "etcdserver: wrong downgrade target version format")]
    [InlineData(DowngradeRequest.Types.DowngradeAction.Cancel, "", StatusCode.FailedPrecondition, "etcdserver: no inflight downgrade job")]
    public async Task Downgrade_Refused_WithEtcdsError(DowngradeRequest.Types.DowngradeAction action, string version, StatusCode code, string message)
    {
        // A write first: the member has a leader and has finished starting before the refusal is checked.
        await Put("ready", "1");
        var error = await Assert.ThrowsAsync<RpcException>(() => Downgrade(action, version));
        Assert.Equal((code, message), (error.StatusCode, error.Detail));
    }

    [Fact]
    public async Task DowngradeEnable_ValidTarget_IsUnimplemented()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Downgrade(DowngradeRequest.Types.DowngradeAction.Enable, "3.4.0"));
        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }
}
