using PamMySqlNet.Cli.Commands;
using PamMySqlNet.Daemon;

namespace PamMySqlNet.Tests.Daemon;

/// <summary>`check`'s "route:" line, against real sockets in a private directory (run as root, as
/// the suite is; the listener is this test process).</summary>
public sealed class BrokerProbeTests() : TempDirectoryTest("pmn-probe.")
{
    private ModuleSettings Line(BrokerMode mode, string name = "socket") =>
        new() { Broker = mode, BrokerSocket = PathIn(name) };

    [Fact]
    public void NoDaemonIsAProblemOnlyWhenRequired()
    {
        Assert.False(BrokerProbe.Describe(Line(BrokerMode.Auto)).Problem);
        var (text, problem) = BrokerProbe.Describe(Line(BrokerMode.Required));
        Assert.True(problem);
        Assert.Contains("refused", text);
    }

    [Fact]
    public void ARootListenerIsTheRoute()
    {
        using var listener = ListenSocket.Create(PathIn("socket"), out _)!;
        var (text, problem) = BrokerProbe.Describe(Line(BrokerMode.Required));
        Assert.False(problem);
        Assert.Contains($"pid {Environment.ProcessId}", text);
        Assert.Equal("in the process (broker=off)", BrokerProbe.Describe(Line(BrokerMode.Off)).Text);
    }

    [Fact]
    public void SomethingElseAtThePathIsAProblemEvenForAuto()
    {
        File.WriteAllText(PathIn("socket"), "");
        var (text, problem) = BrokerProbe.Describe(Line(BrokerMode.Auto));
        Assert.True(problem);
        Assert.Contains("not a socket owned by root", text);
    }
}
