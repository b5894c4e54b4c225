using System.Text.Json;
using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Grpc;
using EtcdNet.TestKit;
using Google.Protobuf;
using Member = EtcdNet.TestKit.Member;

namespace EtcdNet.E2E.Tests.Maintenance;

/// <summary>An alarm raised while a follower was away reaches it inside the leader's snapshot, as etcd restores its alarm store.</summary>
public sealed class AlarmSnapshotTests
{
    private static Marshaller<T> For<T>(MessageParser<T> parser) where T : IMessage<T> =>
        new(data => parser.ParseFrom(data), m => m.CalculateSize(), (m, destination) => m.WriteTo(destination));

    private static async Task<JsonElement> StatusAsync(Member member)
    {
        var status = await Etcdctl.RunAsync(member.ClientUrl, ["endpoint", "status", "-w", "json"]);
        Assert.True(status.ExitCode == 0, status.ToString());
        return JsonDocument.Parse(status.Stdout).RootElement[0].GetProperty("Status");
    }

    [Fact]
    public async Task AlarmRaisedWhileFollowerDown_FollowerInstallsSnapshot_HasTheAlarm()
    {
        await using var cluster = await TestCluster.StartAsync(ServerKind.EtcdNet, 3,
            "--snapshot-count", "20", "--experimental-snapshot-catchup-entries", "5");
        var leader = await cluster.LeaderAsync();
        var follower = cluster.Members.First(m => m != leader);
        await follower.KillAsync();

        using (var channel = new GrpcChannel(new Uri(leader.ClientUrl)))
        {
            var raised = await channel.UnaryAsync("/etcdserverpb.Maintenance/Alarm",
                new AlarmRequest { Action = AlarmRequest.Types.AlarmAction.Activate, MemberID = 12345, Alarm = AlarmType.Nospace },
                For(AlarmRequest.Parser), For(AlarmResponse.Parser), timeout: TimeSpan.FromSeconds(10));
            Assert.Single(raised.Alarms);
        }
        // Deletes still pass under NOSPACE: enough entries for the leader to snapshot and drop the log behind it.
        for (int i = 0; i < 40; i++)
        {
            var del = await Etcdctl.RunAsync(leader.ClientUrl, ["del", $"nothing{i}"]);
            Assert.True(del.ExitCode == 0, del.ToString());
        }
        ulong applied = (await StatusAsync(leader)).GetProperty("raftAppliedIndex").GetUInt64();

        await follower.StartProcessAsync();
        await Eventually.TrueAsync(async () => (await StatusAsync(follower)).GetProperty("raftAppliedIndex").GetUInt64() >= applied,
            TimeSpan.FromSeconds(60), $"the follower to apply index {applied}");

        Assert.Contains("applied snapshot", follower.Process!.Output, StringComparison.Ordinal);
        var errors = (await StatusAsync(follower)).GetProperty("errors").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(["memberID:12345 alarm:NOSPACE "], errors);
    }
}
