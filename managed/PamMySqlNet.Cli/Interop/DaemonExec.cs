using System.Runtime.InteropServices;

namespace PamMySqlNet.Cli.Interop;

/// <summary>
/// `pam-mysql-net daemon` becomes pam-mysql-net-daemon, installed next to this executable: the
/// same process (execv keeps the pid, so systemd's LISTEN_PID still names it, and the socket it
/// passed as fd 3 stays open), with the daemon's own runtime settings.
/// </summary>
internal static partial class DaemonExec
{
    public const string FileName = "pam-mysql-net-daemon";

    /// <summary>Returns only when the daemon could not be executed (with the reason).</summary>
    public static string Exec(IReadOnlyList<string> args)
    {
        string self = Environment.ProcessPath ?? "/proc/self/exe";
        string path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(self)) ?? "/", FileName);
        var argv = new string?[args.Count + 3];
        argv[0] = FileName;
        argv[1] = "daemon";
        for (int i = 0; i < args.Count; i++)
            argv[i + 2] = args[i];
        ExecV(path, argv);
        return $"cannot run {path}: {Marshal.GetLastPInvokeError() switch { 2 => "not installed", 13 => "permission denied", int e => $"errno {e}" }}";
    }

    [LibraryImport(PamMySqlNet.Interop.NativeLibraries.LibC, EntryPoint = "execv", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int ExecV(string path, string?[] argv);
}
