using System.Runtime.InteropServices;

namespace PamMySqlNet.Cli.Interop;

/// <summary>The PAM application side of libpam (pam_appl.h), for <c>pam-mysql-net test</c>.</summary>
internal static unsafe partial class LibPam
{
    private const string Library = PamMySqlNet.Interop.NativeLibraries.LibPam;
    public const int PromptEchoOff = 1, PromptEchoOn = 2, ErrorMsg = 3, TextInfo = 4;

    [StructLayout(LayoutKind.Sequential)]
    public struct Message
    {
        public int Style;
        public byte* Text;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Response
    {
        public byte* Text;
        public int RetCode;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Conversation
    {
        public delegate* unmanaged<int, Message**, Response**, void*, int> Function;
        public void* AppData;
    }

    [LibraryImport(Library, EntryPoint = "pam_start", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Start(string service, string user, Conversation* conversation, out nint handle);

    [LibraryImport(Library, EntryPoint = "pam_start_confdir", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int StartConfDir(string service, string user, Conversation* conversation, string confdir, out nint handle);

    [LibraryImport(Library, EntryPoint = "pam_authenticate")]
    public static partial int Authenticate(nint handle, int flags);

    [LibraryImport(Library, EntryPoint = "pam_acct_mgmt")]
    public static partial int AccountManagement(nint handle, int flags);

    [LibraryImport(Library, EntryPoint = "pam_end")]
    public static partial int End(nint handle, int status);
}
