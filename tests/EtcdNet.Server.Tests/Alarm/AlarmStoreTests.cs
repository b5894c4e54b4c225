using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Server.Alarm;
using EtcdNet.Storage;
using EtcdNet.Storage.Schema;
using EtcdNet.TestKit;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace EtcdNet.Server.Tests.Alarm;

public sealed class AlarmStoreTests : IDisposable
{
    private readonly TempDir _dir = new();

    private string DbPath => Path.Combine(_dir.Path, "db");

    private Backend Open() => Backend.Open(DbPath, new BackendOptions { BatchInterval = TimeSpan.Zero, Fsync = false });

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Activate_ThenReopen_RestoresAlarmsFromBackend()
    {
        using (var backend = Open())
        {
            var store = new AlarmStore(backend, NullLogger.Instance);
            store.Activate(7, AlarmType.Nospace);
            store.Activate(0, AlarmType.Corrupt);
            backend.Commit();
        }
        using (var backend = Open())
        {
            var store = new AlarmStore(backend, NullLogger.Instance);
            Assert.Equal(
                [new AlarmMember { MemberID = 7, Alarm = AlarmType.Nospace }, new AlarmMember { MemberID = 0, Alarm = AlarmType.Corrupt }],
                store.Get(AlarmType.None));
            Assert.True(store.IsActive(AlarmType.Nospace));
            Assert.True(store.IsActive(AlarmType.Corrupt));
        }
    }

    [Fact]
    public void Activate_StoresMarshalledAlarmMemberAsKeyWithEmptyValue()
    {
        using var backend = Open();
        new AlarmStore(backend, NullLogger.Instance).Activate(0x1234, AlarmType.Nospace);
        var rows = backend.BatchTx.UnsafeRange(Buckets.Alarm, ReadOnlySpan<byte>.Empty, ReadOnlySpan<byte>.Empty, 0);
        var row = Assert.Single(rows);
        Assert.Equal(new AlarmMember { MemberID = 0x1234, Alarm = AlarmType.Nospace }.ToByteArray(), row.Key);
        Assert.Empty(row.Value);
    }

    [Fact]
    public void Activate_Twice_KeepsOneAlarm()
    {
        using var backend = Open();
        var store = new AlarmStore(backend, NullLogger.Instance);
        store.Activate(1, AlarmType.Nospace);
        var again = store.Activate(1, AlarmType.Nospace);
        Assert.Equal(new AlarmMember { MemberID = 1, Alarm = AlarmType.Nospace }, again);
        Assert.Single(store.Get(AlarmType.Nospace));
    }

    [Fact]
    public void Deactivate_RemovesFromMemoryAndBackend_AndNotRaisedIsNull()
    {
        using var backend = Open();
        var store = new AlarmStore(backend, NullLogger.Instance);
        store.Activate(1, AlarmType.Nospace);
        Assert.Null(store.Deactivate(2, AlarmType.Nospace));
        Assert.Equal(new AlarmMember { MemberID = 1, Alarm = AlarmType.Nospace }, store.Deactivate(1, AlarmType.Nospace));
        Assert.False(store.IsActive(AlarmType.Nospace));
        Assert.Empty(backend.BatchTx.UnsafeRange(Buckets.Alarm, ReadOnlySpan<byte>.Empty, ReadOnlySpan<byte>.Empty, 0));
    }

    [Fact]
    public void Get_ByType_ListsOnlyThatType()
    {
        using var backend = Open();
        var store = new AlarmStore(backend, NullLogger.Instance);
        store.Activate(2, AlarmType.Nospace);
        store.Activate(1, AlarmType.Nospace);
        store.Activate(3, AlarmType.Corrupt);
        Assert.Equal([1UL, 2UL], store.Get(AlarmType.Nospace).Select(a => a.MemberID));
        Assert.Equal([1UL, 2UL, 3UL], store.Get(AlarmType.None).Select(a => a.MemberID));
    }

    [Fact]
    public void Apply_GetActivateDeactivate_AnswerAsEtcdsApplier()
    {
        using var backend = Open();
        var store = new AlarmStore(backend, NullLogger.Instance);
        AlarmResponse Apply(AlarmRequest.Types.AlarmAction action, ulong member, AlarmType type) =>
            store.Apply(new AlarmRequest { Action = action, MemberID = member, Alarm = type });

        Assert.Empty(Apply(AlarmRequest.Types.AlarmAction.Get, 0, AlarmType.None).Alarms);
        var raised = Apply(AlarmRequest.Types.AlarmAction.Activate, 9, AlarmType.Nospace);
        Assert.Equal([new AlarmMember { MemberID = 9, Alarm = AlarmType.Nospace }], raised.Alarms);
        Assert.Equal(raised.Alarms, Apply(AlarmRequest.Types.AlarmAction.Get, 0, AlarmType.None).Alarms);
        Assert.Equal(raised.Alarms, Apply(AlarmRequest.Types.AlarmAction.Deactivate, 9, AlarmType.Nospace).Alarms);
        Assert.Empty(Apply(AlarmRequest.Types.AlarmAction.Deactivate, 9, AlarmType.Nospace).Alarms);
        Assert.Null(Apply(AlarmRequest.Types.AlarmAction.Get, 0, AlarmType.None).Header);
    }

    [Fact]
    public void Restore_AfterTheBackendsDataWasReplaced_ReloadsAlarms()
    {
        using var backend = Open();
        var store = new AlarmStore(backend, NullLogger.Instance);
        store.Activate(1, AlarmType.Nospace);
        // What a snapshot install does: the bucket now holds another member's data.
        backend.BatchTx.Delete(Buckets.Alarm, new AlarmMember { MemberID = 1, Alarm = AlarmType.Nospace }.ToByteArray());
        backend.BatchTx.Put(Buckets.Alarm, new AlarmMember { MemberID = 0, Alarm = AlarmType.Corrupt }.ToByteArray(), Array.Empty<byte>());
        backend.Commit();

        store.Restore();

        Assert.Equal([new AlarmMember { MemberID = 0, Alarm = AlarmType.Corrupt }], store.Get(AlarmType.None));
        Assert.False(store.IsActive(AlarmType.Nospace));
    }
}
