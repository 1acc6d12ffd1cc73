namespace PamMySqlNet.Interop;

/// <summary>Every native library the managed code calls into by P/Invoke, by its soname (Debian 12
/// and the RHEL family ship these names). The calls themselves live in the Interop folders: this
/// one for the core, the CLI's and the daemon's own for theirs.</summary>
public static class NativeLibraries
{
    public const string LibC = "libc.so.6";

    /// <summary>libxcrypt, for crypt_rn (the crypt(3) formats without a managed implementation),
    /// tried in this order: Debian's soname, then the RHEL family's (.so.1 is only in
    /// libxcrypt-compat there). Loaded with NativeLibrary.TryLoad, not by a static import.</summary>
    public static readonly IReadOnlyList<string> LibXCrypt = ["libcrypt.so.1", "libcrypt.so.2"];

    /// <summary>OpenSSL's libcrypto (the one .NET loads for TLS), for SHA256_Transform: sha256crypt's
    /// rounds on the CPU's SHA instructions.</summary>
    public static readonly IReadOnlyList<string> LibCrypto = ["libcrypto.so.3"];

    /// <summary>libsodium, for Argon2 (its SIMD code is faster than ours and libargon2's); optional:
    /// without it Argon2 runs in managed code. The same soname in Debian and in EPEL.</summary>
    public static readonly IReadOnlyList<string> LibSodium = ["libsodium.so.23"];

    /// <summary>The PAM application side, for <c>pam-mysql-net test</c>.</summary>
    public const string LibPam = "libpam.so.0";
}
