using System.Buffers.Binary;
using System.Net.Sockets;

namespace PamMySqlNet.Interop;

/// <summary>
/// Who is on the other end of a UNIX-socket connection, as the kernel recorded it when the peer
/// connected (SO_PEERCRED): its pid and its effective uid and gid. Never what the peer says.
/// </summary>
public readonly record struct PeerCredentials(int Pid, uint Uid, uint Gid)
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    /// <summary>struct ucred { pid_t pid; uid_t uid; gid_t gid; }; null when the kernel says nothing.</summary>
    public static PeerCredentials? Of(Socket socket)
    {
        Span<byte> ucred = stackalloc byte[12];
        try
        {
            if (socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred) != ucred.Length)
                return null;
        }
        catch (SocketException)
        {
            return null;
        }
        return new PeerCredentials(
            BinaryPrimitives.ReadInt32LittleEndian(ucred),
            BinaryPrimitives.ReadUInt32LittleEndian(ucred[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(ucred[8..]));
    }
}
