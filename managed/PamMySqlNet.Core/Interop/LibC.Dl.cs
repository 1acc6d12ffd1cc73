using System.Runtime.InteropServices;

namespace PamMySqlNet.Interop;

/// <summary>The dynamic loader, for asking the OpenSSL .NET would load for its version (OpenSslCheck.cs).</summary>
internal static unsafe partial class LibC
{
    // The handle is never closed: .NET opens the same library and keeps it.
    [LibraryImport(Library, EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr DlOpen(string file, int mode);

    [LibraryImport(Library, EntryPoint = "dlsym", StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr DlSym(IntPtr handle, string name);

    [LibraryImport(Library, EntryPoint = "dlerror")]
    public static partial byte* DlError();
}
