using System.Net.Sockets;
using PamMySqlNet.Interop;
using PamMySqlNet.Options;

namespace PamMySqlNet.Daemon;

/// <summary>
/// The daemon's listening socket: handed over by systemd (socket activation: LISTEN_PID is ours
/// and LISTEN_FDS ≥ 1, the socket is fd 3), or created at a path. A created socket lives in a
/// directory that every directory from / down may be trusted for (root-owned, not writable by
/// others; the directory itself is made root 0755 when missing), is mode 0600 (only root may
/// connect: the daemon serves only root hosts), and is removed when the daemon stops.
/// </summary>
internal sealed class ListenSocket : IDisposable
{
    private const int ActivatedFd = 3;
    private const int Backlog = 512;

    public Socket Socket { get; }
    /// <summary>The path this daemon bound and must remove; null when systemd owns the socket.</summary>
    public string? OwnedPath { get; }
    public string Description { get; }

    private ListenSocket(Socket socket, string? ownedPath, string description)
    {
        Socket = socket;
        OwnedPath = ownedPath;
        Description = description;
    }

    /// <summary>systemd's socket, when this process was started for it; else null.</summary>
    public static ListenSocket? FromActivation(out string? error)
    {
        error = null;
        string? pid = Environment.GetEnvironmentVariable("LISTEN_PID");
        string? fds = Environment.GetEnvironmentVariable("LISTEN_FDS");
        if (pid is null || fds is null || pid != Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            return null;
        // Not for our children (there are none) nor for anything that reads the environment later.
        Environment.SetEnvironmentVariable("LISTEN_PID", null);
        Environment.SetEnvironmentVariable("LISTEN_FDS", null);
        Environment.SetEnvironmentVariable("LISTEN_FDNAMES", null);
        if (!int.TryParse(fds, out int count) || count < 1)
        {
            error = $"LISTEN_FDS={fds}: systemd passed no socket";
            return null;
        }
        Socket socket;
        try
        {
            socket = new Socket(new SafeSocketHandle(ActivatedFd, ownsHandle: true));
        }
        catch (SocketException e)
        {
            error = $"fd {ActivatedFd} from systemd is not a usable socket: {e.SocketErrorCode}";
            return null;
        }
        if (socket.AddressFamily != AddressFamily.Unix || socket.SocketType != SocketType.Stream)
        {
            socket.Dispose();
            error = "the socket systemd passed is not a UNIX stream socket";
            return null;
        }
        return new ListenSocket(socket, null, $"the socket passed by systemd ({socket.LocalEndPoint})");
    }

    /// <summary>Binds and listens at PATH; null with the reason when it cannot or must not.</summary>
    public static ListenSocket? Create(string path, out string? error)
    {
        string? dir = Path.GetDirectoryName(path);
        if (!path.StartsWith('/') || string.IsNullOrEmpty(dir) || System.Text.Encoding.UTF8.GetByteCount(path) > 107)
        {
            error = $"socket path {path} must be absolute and at most 107 bytes";
            return null;
        }
        if (!Directory.Exists(dir))
        {
            try
            {
                const UnixFileMode rwxr_xr_x = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
                Directory.CreateDirectory(dir, rwxr_xr_x);
                File.SetUnixFileMode(dir, rwxr_xr_x); // not narrowed by the umask: as systemd's DirectoryMode
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error = $"cannot create {dir}: {e.Message}";
                return null;
            }
        }
        // Whoever may write to a directory on the way could put their own socket in our place.
        using (var parent = TrustedDirectories.OpenParent(path, out _, out error))
        {
            if (parent is null)
            {
                error = $"socket path {path}: {error}";
                return null;
            }
        }
        if (!RemoveStale(path, out error))
            return null;
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path)); // created 0600: the daemon's umask is 077
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            socket.Listen(Backlog);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            socket.Dispose();
            error = $"cannot listen on {path}: {e.Message}";
            return null;
        }
        return new ListenSocket(socket, path, path);
    }

    /// <summary>A socket left by a daemon that died is removed; a live daemon's, or anything that
    /// is not a socket, is an error.</summary>
    private static bool RemoveStale(string path, out string? error)
    {
        error = null;
        if (!UnixFiles.TryLStat(path, out uint mode, out _))
            return true; // nothing there
        if ((mode & UnixFiles.TypeMask) != UnixFiles.Socket)
        {
            error = $"{path} exists and is not a socket";
            return false;
        }
        using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(path));
                error = $"another daemon is listening on {path}";
                return false;
            }
            catch (SocketException)
            {
                // Nobody listens: a stale socket.
            }
        }
        File.Delete(path);
        return true;
    }

    public void Dispose()
    {
        Socket.Dispose();
        if (OwnedPath is not null)
        {
            try
            {
                File.Delete(OwnedPath);
            }
            catch (IOException)
            {
            }
        }
    }
}
