using System.Net.Sockets;
using PamMySqlNet.Auth;
using PamMySqlNet.Helper;
using PamMySqlNet.Logging;

namespace PamMySqlNet.Daemon;

/// <summary>`pam-mysql-net daemon --status`: asks the running daemon for its throttled addresses
/// and user names (<see cref="StatusFrames"/>) and prints them, one line each, at most
/// <see cref="StatusFrames.MaxKeys"/>.</summary>
public static class DaemonStatus
{
    private const int TimeoutMs = 5_000;

    /// <returns>0, or 2 with one line on stderr when the daemon cannot be asked.</returns>
    public static int Run(string path, int maxKeys, TextWriter stdout, TextWriter stderr)
    {
        ThrottleSnapshot snapshot;
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.SendTimeout = TimeoutMs;
            socket.ReceiveTimeout = TimeoutMs;
            socket.Connect(new UnixDomainSocketEndPoint(path));
            using var stream = new NetworkStream(socket, ownsSocket: false);
            HelperProtocol.WriteFrame(stream, StatusFrames.Type, StatusFrames.Request(maxKeys));
            var frame = HelperProtocol.ReadFrame(stream);
            if (frame is not { Type: StatusFrames.Type } f)
            {
                stderr.WriteLine($"pam-mysql-net daemon --status: the daemon at {path} closed the connection unanswered (only root may ask; an older daemon does not know the request)");
                return 2;
            }
            snapshot = StatusFrames.ReadAnswer(f.Payload);
        }
        catch (Exception e) when (e is SocketException or IOException or InvalidDataException)
        {
            string why = e is SocketException s ? s.SocketErrorCode.ToString() : e.Message;
            stderr.WriteLine($"pam-mysql-net daemon --status: cannot ask the daemon at {path}: {why}");
            return 2;
        }
        Print(snapshot, stdout);
        return 0;
    }

    public static void Print(ThrottleSnapshot snapshot, TextWriter stdout)
    {
        stdout.WriteLine($"throttled: {snapshot.Throttled} of {snapshot.Tracked} addresses and user names counted");
        foreach (var k in snapshot.Keys)
            stdout.WriteLine($"{LogText.Printable(k.Key, maxRunes: StatusFrames.MaxKeyChars, escapeQuotes: true)}: {k.Failures} failure(s), " +
                             $"back-off step {k.Step}, next check in {Seconds(k.BackoffMs)} s, released in {Seconds(k.ReleaseMs)} s " +
                             $"without a failure, {k.Refused} refused");
        if (snapshot.Keys.Count < snapshot.Throttled)
            stdout.WriteLine($"(and {snapshot.Throttled - snapshot.Keys.Count} more)");
    }

    private static string Seconds(long ms) => (ms / 1000.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
}
