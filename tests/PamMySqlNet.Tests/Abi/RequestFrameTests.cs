using PamMySqlNet.Helper;

namespace PamMySqlNet.Tests.Abi;

/// <summary>The request frame the shim writes (native/frames.c's encoder, compiled as it is) is read
/// back field for field by the parser the helper and the daemon use (HelperSession.ParseRequest):
/// the two ends of the second wire format cannot drift apart in order or width.</summary>
public class RequestFrameTests
{
    // A request with a distinct value in every field, and a memo kept on the handle.
    private const string Encoder = """
        #include <stdio.h>
        #include "frames.c"

        static int32_t recall(void *ctx, void *buf, uint32_t cap)
        {
            (void)ctx;
            if (cap < 4)
                return -1;
            memcpy(buf, "memo", 4);
            return 4;
        }

        int main(void)
        {
            const char *argv[] = { "user=postfix", "crypt=1", "" };
            pmn_callbacks callbacks = { .recall = recall };
            pmn_request r = {
                .abi_version = PMN_ABI_VERSION, .operation = PMN_OP_CHAUTHTOK, .flags = 0x4020,
                .argc = 3, .argv = argv, .user = "alice@example.test", .service = "smtp",
                .rhost = "192.0.2.7", .caller_uid = 1234, .caller_pid = 5678, .callbacks = &callbacks,
            };
            struct buf b = { 0 };
            if (encode_request(&b, &r) != 0)
                return 1;
            fwrite(b.data, 1, b.len, stdout);
            return 0;
        }
        """;

    [Fact]
    public void TheParserReadsEveryFieldTheShimWrites()
    {
        byte[] frame = NativeProbe.CompileAndRun(Encoder);

        var (version, request) = HelperSession.ParseRequest(frame, out byte[]? memo);

        Assert.Equal((int)ShimAbi.Version, version);
        Assert.NotNull(request);
        Assert.Equal(PamOperation.ChAuthTok, request.Operation);
        Assert.Equal((PamFlags)0x4020, request.Flags);
        Assert.Equal(["user=postfix", "crypt=1", ""], request.Args);
        Assert.Equal("alice@example.test", request.User);
        Assert.Equal("smtp", request.Service);
        Assert.Equal("192.0.2.7", request.RHost);
        Assert.Equal(1234, request.CallerUid);
        Assert.Equal(5678, request.CallerPid);
        Assert.Equal("memo"u8.ToArray(), memo);
    }

    [Fact]
    public void AbsentServiceAndRemoteHostStayAbsent()
    {
        string encoder = Encoder.Replace(".service = \"smtp\"", ".service = NULL").Replace(".rhost = \"192.0.2.7\"", ".rhost = NULL");

        var (_, request) = HelperSession.ParseRequest(NativeProbe.CompileAndRun(encoder), out _);

        Assert.NotNull(request);
        Assert.Null(request.Service);
        Assert.Null(request.RHost);
    }
}
