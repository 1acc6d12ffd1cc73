using System.Runtime.InteropServices;
using PamMySqlNet.Logging;

namespace PamMySqlNet.Daemon;

/// <summary>
/// The daemon's own lines (start, stop, reload, refused connections) go to syslog, facility
/// authpriv, as "pam-mysql-net[pid]: ...", and to stderr unless systemd's journal already reads
/// stderr (JOURNAL_STREAM). Lines about one login are not written here: they travel to the PAM
/// host and are logged there, exactly as the module logs them without the daemon.
/// </summary>
internal static partial class DaemonLog
{
    private const int LogPid = 0x01;
    private const int LogAuthPriv = 10 << 3;
    private static readonly bool ToStderr = Environment.GetEnvironmentVariable("JOURNAL_STREAM") is null;
    // openlog keeps the pointer: the ident must live as long as the process.
    private static readonly nint Ident = Marshal.StringToCoTaskMemUTF8("pam-mysql-net");

    public static void Open() => OpenLog(Ident, LogPid, LogAuthPriv);

    public static void Write(LogLevel level, string message)
    {
        string line = LogText.Printable(message);
        SysLog(LogAuthPriv | (int)level, "%s", line);
        if (ToStderr)
            Console.Error.WriteLine($"pam-mysql-net daemon: {line}");
    }

    [LibraryImport(PamMySqlNet.Interop.NativeLibraries.LibC, EntryPoint = "openlog")]
    private static partial void OpenLog(nint ident, int option, int facility);

    // syslog is variadic; with one "%s" argument the fixed-argument call is the same on x86_64.
    [LibraryImport(PamMySqlNet.Interop.NativeLibraries.LibC, EntryPoint = "syslog", StringMarshalling = StringMarshalling.Utf8)]
    private static partial void SysLog(int priority, string format, string message);
}
