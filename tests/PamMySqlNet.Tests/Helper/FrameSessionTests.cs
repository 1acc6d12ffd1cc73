using System.Buffers.Binary;
using CsCheck;
using PamMySqlNet.Helper;

namespace PamMySqlNet.Tests.Helper;

/// <summary>The core's side of the frames the shim speaks with the helper and the daemon
/// (native/frames.c is the other side; tests/integration/broker.sh runs both for real).</summary>
public class FrameSessionTests
{
    private static byte[] Frame(byte type, ReadOnlySpan<byte> payload)
    {
        var b = new byte[5 + payload.Length];
        b[0] = type;
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(b.AsSpan(5));
        return b;
    }

    private static List<(byte Type, byte[] Payload)> Frames(byte[] written)
    {
        var list = new List<(byte, byte[])>();
        var s = new MemoryStream(written);
        while (HelperProtocol.ReadFrame(s) is { } f)
            list.Add(f);
        return list;
    }

    private static byte[] Request(int abi, PamOperation op, string[] args, string user, byte[]? memo = null)
    {
        var w = new PayloadWriter().Int(abi).Int((int)op).Int(0).Int(args.Length);
        foreach (var a in args)
            w.String(a);
        w.String(user).String("smtp").String(null).Int(0).Int(4242);
        return (memo is null ? w.Int(-1) : w.Bytes(memo)).Span.ToArray();
    }

    [Fact]
    public void AnotherAbiVersionGetsOurVersionAndNothingElse()
    {
        var output = new MemoryStream();
        new HelperSession(new MemoryStream(), output).Serve(Request(4, PamOperation.Authenticate, [], "alice"));
        var (type, payload) = Assert.Single(Frames(output.ToArray()));
        Assert.Equal(HelperProtocol.VersionMismatch, type);
        Assert.Equal((int)ShimAbi.Version, BinaryPrimitives.ReadInt32LittleEndian(payload));
    }

    [Fact]
    public void TheRequestPayloadIsWipedAfterUse()
    {
        byte[] request = Request((int)ShimAbi.Version, PamOperation.Authenticate, ["passwd=secret"], "alice");
        new HelperSession(new MemoryStream(), new MemoryStream()).Serve(request, (_, _, _) => new NoUsers());
        Assert.All(request, b => Assert.Equal(0, b));
    }

    [Fact]
    public void TheKernelsPidReplacesTheRequests()
    {
        var store = new NoUsers();
        string[] args = ["user=u", "db=d", "table=t", "usercolumn=a", "passwdcolumn=b", "sqllog=1", "logtable=log",
            "logmsgcolumn=message", "logusercolumn=user", "loghostcolumn=host", "logrhostcolumn=rhost", "logpidcolumn=pid",
            "logtimecolumn=time", "use_first_pass"];
        var reply = Frame(HelperProtocol.TokenReply, new PayloadWriter().Int(0).String("pw").Span);
        var output = new MemoryStream();
        new HelperSession(new MemoryStream(reply), output)
            .Serve(Request((int)ShimAbi.Version, PamOperation.Authenticate, args, "alice"), (_, _, _) => store, callerPid: 77);
        // The request said 4242 (see Request); sqllog writes the pid the daemon got from the kernel.
        Assert.Equal(77, Assert.Single(store.Logged).Pid);
    }

    [Fact]
    public void TheMemoComesWithTheRequestAndGoesBackAsAFrame()
    {
        byte[] memo = [1, 2, 3, 4];
        var output = new MemoryStream();
        var session = new HelperSession(new MemoryStream(), output);
        // SetCred answers at once; what matters is that the request (with its memo) was parsed.
        session.Serve(Request((int)ShimAbi.Version, PamOperation.SetCred, [], "alice", memo));
        var buffer = new byte[ShimAbi.MemoMax];
        Assert.Equal(memo.Length, session.Recall(buffer));
        Assert.Equal(memo, buffer[..memo.Length]);
        Assert.Equal(-1, session.Recall(new byte[2])); // does not fit: none, not a truncated one

        var keeper = new MemoryStream();
        new HelperSession(new MemoryStream(), keeper).Remember(memo);
        var (type, payload) = Assert.Single(Frames(keeper.ToArray()));
        Assert.Equal(HelperProtocol.Remember, type);
        Assert.Equal(new byte[] { 4, 0, 0, 0, 1, 2, 3, 4 }, payload);
    }

    [Fact]
    public void NoMemoIsMinusOneAndAnOversizedOneRefusesTheRequest()
    {
        var session = new HelperSession(new MemoryStream(), new MemoryStream());
        session.Serve(Request((int)ShimAbi.Version, PamOperation.SetCred, [], "alice"));
        Assert.Equal(-1, session.Recall(new byte[16]));
        var output = new MemoryStream();
        int code = new HelperSession(new MemoryStream(), output)
            .Serve(Request((int)ShimAbi.Version, PamOperation.Authenticate, [], "alice", new byte[ShimAbi.MemoMax + 1]));
        Assert.Equal((int)PamCode.ServiceErr, code);
    }

    [Fact]
    public void NothingIsWrittenAfterTheResult()
    {
        var output = new MemoryStream();
        var session = new HelperSession(new MemoryStream(), output);
        session.Serve(Request((int)ShimAbi.Version, PamOperation.SetCred, [], "alice"));
        long length = output.Length;
        Assert.False(session.Heartbeat());
        Assert.Equal(length, output.Length);
        Assert.Equal(HelperProtocol.Result, Assert.Single(Frames(output.ToArray())).Type);
    }

    [Fact]
    public void HeartbeatsAreEmptyFrames()
    {
        var output = new MemoryStream();
        Assert.True(new HelperSession(new MemoryStream(), output).Heartbeat());
        Assert.Equal(new byte[] { HelperProtocol.Heartbeat, 0, 0, 0, 0 }, output.ToArray());
    }

    [Fact]
    public void RandomRequestPayloadsEndInOneAnswer() =>
        Gen.Byte.Array[0, 300].Sample(bytes =>
        {
            // Half of the cases start like a real request, so the parser gets past the version.
            if (bytes.Length >= 4 && bytes[0] % 2 == 0)
                BinaryPrimitives.WriteInt32LittleEndian(bytes, (int)ShimAbi.Version);
            var output = new MemoryStream();
            int code = new HelperSession(new MemoryStream(), output).Serve(bytes, (_, _, _) => new NoUsers());
            Assert.True(code >= 0);
            var frames = Frames(output.ToArray());
            Assert.Contains(frames[^1].Type, new[] { HelperProtocol.Result, HelperProtocol.VersionMismatch });
            Assert.Single(frames, f => f.Type is HelperProtocol.Result or HelperProtocol.VersionMismatch);
        }, iter: 2000);

    private sealed class NoUsers : IUserStore
    {
        public List<LogRow> Logged { get; } = new();
        public UserLookup Lookup(string userName) => new(LookupStatus.NotFound);
        public WriteResult UpdatePassword(string userName, string newStoredPassword) => new(WriteStatus.Unavailable);

        public WriteResult WriteLog(LogRow row)
        {
            Logged.Add(row);
            return new(WriteStatus.Done);
        }
    }
}
