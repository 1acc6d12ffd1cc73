using System.Runtime.InteropServices;

namespace PamMySqlNet.Interop;

/// <summary>
/// Whether the OpenSSL that .NET's crypto will load is one it can use, asked before the first
/// connection (the MySQL handshake is the first crypto call). .NET's own loader aborts the whole
/// process when the library it picks lacks a function it needs, or when none is found; in a PAM
/// host that would take the host down. This picks the same library the same way (the
/// DOTNET_OPENSSL_VERSION_OVERRIDE suffix first, then libssl.so.3, then libssl.so.1.1) and asks
/// it for its version: a real OpenSSL 1.1.1 or later has every function .NET needs.
/// The answer is kept for the process.
/// </summary>
public static unsafe partial class OpenSslCheck
{
    private const ulong Minimum = 0x1010100fUL; // 1.1.1
    private const int RTLD_NOW = 2;

    private static string? _verdict; // "" = usable, else why not

    /// <summary>Null when usable; else one sentence naming the library and the cause.</summary>
    public static string? Problem()
    {
        _verdict ??= Decide(Environment.GetEnvironmentVariable("DOTNET_OPENSSL_VERSION_OVERRIDE"));
        return _verdict.Length == 0 ? null : _verdict;
    }

    /// <summary>The names .NET tries, in its order.</summary>
    public static IEnumerable<string> Candidates(string? overrideSuffix)
    {
        if (!string.IsNullOrEmpty(overrideSuffix))
            yield return "libssl.so." + overrideSuffix;
        yield return "libssl.so.3";
        yield return "libssl.so.1.1";
    }

    private static string Decide(string? overrideSuffix)
    {
        string? firstError = null;
        // Binds dlerror now: binding an import later (a dlsym inside the runtime) would clear the
        // error that dlopen leaves for it.
        _ = LibC.DlError();
        foreach (string name in Candidates(overrideSuffix))
        {
            IntPtr lib = LibC.DlOpen(name, RTLD_NOW);
            if (lib == IntPtr.Zero)
            {
                firstError ??= LastError(); // the loader's reason: not found, no memory, wrong class
                continue; // .NET moves on to the next name as well
            }
            // The first library that loads is the one .NET keeps: it must be a usable OpenSSL.
            IntPtr fn = LibC.DlSym(lib, "OpenSSL_version_num");
            if (fn == IntPtr.Zero)
                return $"cannot use OpenSSL: {name} is not OpenSSL (no OpenSSL_version_num)";
            ulong version = ((delegate* unmanaged<ulong>)fn)();
            return version >= Minimum ? "" : $"cannot use OpenSSL: {name} is version 0x{version:x}, 1.1.1 or later is needed";
        }
        return $"cannot use OpenSSL: no libssl.so.3 or libssl.so.1.1 can be loaded (install libssl3): {firstError}";
    }

    private static string LastError()
    {
        byte* text = LibC.DlError();
        return text == null ? "unknown error" : Marshal.PtrToStringUTF8((IntPtr)text) ?? "unknown error";
    }
}
