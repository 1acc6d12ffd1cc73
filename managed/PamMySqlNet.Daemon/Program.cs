// A Linux program: UNIX sockets, SO_PEERCRED, file modes.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace PamMySqlNet.Daemon;

/// <summary>pam-mysql-net-daemon [daemon] [--socket PATH] [--workers N]; `pam-mysql-net daemon`
/// executes it with its own arguments.</summary>
public static class Program
{
    public static int Main(string[] args) =>
        DaemonCommand.Run(args.Length > 0 && args[0] == "daemon" ? args[1..] : args);
}
