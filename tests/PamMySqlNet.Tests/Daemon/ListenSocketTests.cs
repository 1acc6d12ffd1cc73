using System.Net.Sockets;
using PamMySqlNet.Daemon;
using PamMySqlNet.Interop;

namespace PamMySqlNet.Tests.Daemon;

/// <summary>The daemon's socket, and what the kernel says about who is on the other end, on the
/// real kernel (a private directory under /tmp).</summary>
public sealed class ListenSocketTests() : TempDirectoryTest("pmn-listen.")
{
    [Fact]
    public void CreatesTheDirectoryAndAnOwnerOnlySocket()
    {
        string path = PathIn("run/socket");
        using var listener = ListenSocket.Create(path, out string? error);
        Assert.Null(error);
        Assert.NotNull(listener);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(PathIn("run")));
        listener!.Dispose();
        Assert.False(File.Exists(path)); // removed by the daemon that made it
    }

    [Fact]
    public void RefusesASecondDaemonAndReplacesAStaleSocket()
    {
        string path = PathIn("socket");
        using (var first = ListenSocket.Create(path, out _))
        {
            Assert.NotNull(first);
            Assert.Null(ListenSocket.Create(path, out string? error));
            Assert.Contains("another daemon", error);
        }
        // A socket nobody listens on (a daemon killed with SIGKILL leaves one).
        using (var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            stale.Bind(new UnixDomainSocketEndPoint(path));
        using var again = ListenSocket.Create(path, out string? staleError);
        Assert.Null(staleError);
        Assert.NotNull(again);
    }

    [Fact]
    public void NeverRemovesSomethingThatIsNotASocket()
    {
        string path = PathIn("socket");
        File.WriteAllText(path, "keep me");
        Assert.Null(ListenSocket.Create(path, out string? error));
        Assert.Contains("not a socket", error);
        Assert.Equal("keep me", File.ReadAllText(path));
    }

    [Fact]
    public void RefusesADirectoryOthersMayWrite()
    {
        string dir = PathIn("open");
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_111_111);
        Assert.Null(ListenSocket.Create(Path.Combine(dir, "socket"), out string? error));
        Assert.Contains("writable by group or others", error);
    }

    [Theory]
    [InlineData("relative/socket")]
    [InlineData("/tmp/" + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]
    public void RefusesPathsASocketCannotHave(string path)
    {
        Assert.Null(ListenSocket.Create(path, out string? error));
        Assert.Contains("absolute and at most 107 bytes", error);
    }

    [Fact]
    public void PeerCredentialsAreTheKernels()
    {
        string path = PathIn("socket");
        using var listener = ListenSocket.Create(path, out _)!;
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        client.Connect(new UnixDomainSocketEndPoint(path));
        using var accepted = listener.Socket.Accept();
        var peer = PeerCredentials.Of(accepted);
        Assert.NotNull(peer);
        Assert.Equal(Environment.ProcessId, peer!.Value.Pid);
        Assert.Equal(PamMySqlNet.Interop.UnixFiles.EffectiveUid, peer.Value.Uid);
    }

    [Fact]
    public void NotActivatedWithoutSystemdsVariables()
    {
        Assert.Null(Environment.GetEnvironmentVariable("LISTEN_PID"));
        Assert.Null(ListenSocket.FromActivation(out string? error));
        Assert.Null(error);
    }
}
