namespace PamMySqlNet.Interop;

/// <summary>Every native library the managed code calls into by P/Invoke, by its soname (Debian 12
/// and the RHEL family ship these names). The calls themselves live in the Interop folders: this
/// one for the core, the CLI's and the daemon's own for theirs.</summary>
public static class NativeLibraries
{
    public const string LibC = "libc.so.6";

    /// <summary>libxcrypt: crypt_rn for the crypt(3) formats without a managed implementation.</summary>
    public const string LibXCrypt = "libcrypt.so.1";

    /// <summary>The PAM application side, for <c>pam-mysql-net test</c>.</summary>
    public const string LibPam = "libpam.so.0";
}
