using EtcdNet.Api.Etcdserverpb;
using EtcdNet.Server.Errors;
using EtcdNet.Server.Services;
using Google.Protobuf;

namespace EtcdNet.Server.Tests.Services;

public sealed class RequestChecksTests
{
    private static ByteString B(string s) => ByteString.CopyFromUtf8(s);
    private static RequestOp Put(string k) => new() { RequestPut = new PutRequest { Key = B(k), Value = B("v") } };
    private static RequestOp Del(string k, string end = "") => new() { RequestDeleteRange = new DeleteRangeRequest { Key = B(k), RangeEnd = B(end) } };
    private static RequestOp Get(string k) => new() { RequestRange = new RangeRequest { Key = B(k) } };
    private static RequestOp Txn(IEnumerable<RequestOp> success, IEnumerable<RequestOp>? failure = null)
    {
        var txn = new TxnRequest();
        txn.Success.AddRange(success);
        txn.Failure.AddRange(failure ?? []);
        return new RequestOp { RequestTxn = txn };
    }

    private static EtcdError? Check(TxnRequest txn, int maxOps = 128)
    {
        try
        {
            RequestChecks.CheckTxn(txn, maxOps);
            return null;
        }
        catch (EtcdException e)
        {
            return e.Error;
        }
    }

    private static TxnRequest Branch(params RequestOp[] ops)
    {
        var txn = new TxnRequest();
        txn.Success.AddRange(ops);
        return txn;
    }

    [Fact]
    public void EmptyKeys_AreRejected()
    {
        Assert.Same(EtcdErrors.EmptyKey, Assert.Throws<EtcdException>(() => RequestChecks.CheckRange(new RangeRequest())).Error);
        Assert.Same(EtcdErrors.EmptyKey, Assert.Throws<EtcdException>(() => RequestChecks.CheckPut(new PutRequest())).Error);
        Assert.Same(EtcdErrors.EmptyKey, Assert.Throws<EtcdException>(() => RequestChecks.CheckDeleteRange(new DeleteRangeRequest())).Error);
        var txn = new TxnRequest();
        txn.Compare.Add(new Compare());
        Assert.Same(EtcdErrors.EmptyKey, Check(txn));
    }

    [Fact]
    public void Put_IgnoreFlagsWithValues_AreRejected()
    {
        Assert.Same(EtcdErrors.ValueProvided, Assert.Throws<EtcdException>(() =>
            RequestChecks.CheckPut(new PutRequest { Key = B("k"), Value = B("v"), IgnoreValue = true })).Error);
        Assert.Same(EtcdErrors.LeaseProvided, Assert.Throws<EtcdException>(() =>
            RequestChecks.CheckPut(new PutRequest { Key = B("k"), Lease = 5, IgnoreLease = true })).Error);
        RequestChecks.CheckPut(new PutRequest { Key = B("k"), IgnoreValue = true, IgnoreLease = true });
    }

    [Fact]
    public void Txn_TooManyOps_CountsTheLargestList()
    {
        var ops = Enumerable.Range(0, 4).Select(i => Put($"k{i}")).ToArray();
        Assert.Same(EtcdErrors.TooManyOps, Check(Branch(ops), maxOps: 3));
        Assert.Null(Check(Branch(ops), maxOps: 4));
    }

    [Fact]
    public void Txn_EmptyOp_IsKeyNotFound() => Assert.Same(EtcdErrors.KeyNotFound, Check(Branch(new RequestOp())));

    [Theory]
    [InlineData("put a; put a", true)]
    [InlineData("put a; put b", false)]
    [InlineData("put a; del a", true)]
    [InlineData("put b; del a c", true)]
    [InlineData("put c; del a c", false)]
    [InlineData("del a; del a", false)]
    [InlineData("get a; put a", false)]
    public void Txn_DuplicateWrites_AreRejected(string script, bool duplicate)
    {
        var ops = script.Split("; ").Select(op => op.Split(' ') switch
        {
            ["put", var k] => Put(k),
            ["del", var k] => Del(k),
            ["del", var k, var end] => Del(k, end),
            ["get", var k] => Get(k),
            _ => throw new ArgumentException(op),
        }).ToArray();
        Assert.Equal(duplicate ? EtcdErrors.DuplicateKey : null, Check(Branch(ops)));
    }

    [Fact]
    public void Txn_NestedThenAndElse_MayPutTheSameKey()
    {
        Assert.Null(Check(Branch(Txn([Put("a")], [Put("a")]))));
        Assert.Same(EtcdErrors.DuplicateKey, Check(Branch(Txn([Put("a")]), Put("a"))));
        Assert.Same(EtcdErrors.DuplicateKey, Check(Branch(Txn([Put("a")]), Del("a"))));
        Assert.Same(EtcdErrors.DuplicateKey, Check(Branch(Txn([Put("a")]), Txn([Put("a")]))));
    }
}
