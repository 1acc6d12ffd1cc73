using System.Net.Sockets;
using PamMySqlNet.Interop;
using PamMySqlNet.Options;

namespace PamMySqlNet.Cli.Commands;

/// <summary>
/// For `pam-mysql-net check`: would the module in a root host use the daemon for this line? The
/// same checks as native/broker_client.c (a socket owned by root, a listener running as uid 0),
/// told in words; the module itself never asks this code.
/// </summary>
internal static class BrokerProbe
{
    /// <summary>The route in one phrase, and whether it is a problem (required and unusable, or
    /// a socket that is there but cannot be trusted).</summary>
    public static (string Text, bool Problem) Describe(ModuleSettings s)
    {
        if (s.Broker == BrokerMode.Off)
            return ("in the process (broker=off)", false);
        string path = s.BrokerSocket;
        bool required = s.Broker == BrokerMode.Required;
        string fallback = required ? "root hosts are refused (broker=required)" : "requests run in the process";
        if (!UnixFiles.TryLStat(path, out uint mode, out uint owner))
            return ($"no daemon at {path}: {fallback}", required);
        if ((mode & UnixFiles.TypeMask) != UnixFiles.Socket || owner != 0)
            return ($"{path} is not a socket owned by root, so it is ignored: {fallback}", true);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException e)
        {
            return ($"the daemon at {path} does not answer ({e.SocketErrorCode}): {fallback}", true);
        }
        if (PeerCredentials.Of(socket) is not { Uid: 0 } peer)
            return ($"the daemon at {path} does not run as root, so it is ignored: {fallback}", true);
        return ($"root hosts use the daemon at {path} (pid {peer.Pid}); other hosts run requests in the process", false);
    }
}
