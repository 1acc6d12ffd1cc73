using System.Runtime.InteropServices;

namespace PamMySqlNet.Hashing;

/// <summary>
/// crypt(3) formats without a managed implementation yet go through libxcrypt's thread-safe
/// <c>crypt_rn</c>: from libcrypt.so.1 (Debian's libcrypt1; libxcrypt-compat in the RHEL family),
/// else libcrypt.so.2 (the RHEL family's libxcrypt, which has the same <c>crypt_rn</c>).
/// </summary>
public static class LibXCrypt
{
    /// <summary>The sonames tried, in order (NativeLibraries.LibXCrypt).</summary>
    public static IReadOnlyList<string> Libraries => PamMySqlNet.Interop.NativeLibraries.LibXCrypt;
    private const int CryptDataSize = 32768; // sizeof(struct crypt_data) in libxcrypt
    private const int MaxPassphraseBytes = 512; // CRYPT_MAX_PASSPHRASE_SIZE, with the NUL

    // Resolved once, on first use; null when no library has crypt_rn.
    private static readonly unsafe delegate* unmanaged<byte*, byte*, byte*, int, byte*> CryptRn = Resolve();

    private static unsafe delegate* unmanaged<byte*, byte*, byte*, int, byte*> Resolve()
    {
        foreach (string name in Libraries)
            if (NativeLibrary.TryLoad(name, out IntPtr library) && NativeLibrary.TryGetExport(library, "crypt_rn", out IntPtr function))
                return (delegate* unmanaged<byte*, byte*, byte*, int, byte*>)function;
        return null;
    }

    /// <summary>Why crypt(3) formats cannot be checked in this process (no libxcrypt), or null.
    /// Log lines add it to an "unsupported scheme" answer.</summary>
    public static unsafe string? Unavailable =>
        CryptRn == null ? $"none of {string.Join(", ", Libraries)} can be loaded (install libxcrypt)" : null;

    /// <summary>crypt(phrase, stored) compared with stored; Malformed when libxcrypt refuses the
    /// setting; Unsupported when no libxcrypt can be loaded (<see cref="Unavailable"/>).</summary>
    public static unsafe VerifyResult Verify(ReadOnlySpan<byte> password, string stored)
    {
        // libxcrypt hashes at most 511 bytes (CRYPT_MAX_PASSPHRASE_SIZE counts the NUL): no stored
        // string can be the hash of a longer one, so it does not match (not "malformed", I6).
        if (password.IndexOf((byte)0) >= 0 || stored.Contains('\0') || password.Length >= MaxPassphraseBytes)
            return VerifyResult.NoMatch;
        // No libxcrypt at all: the format cannot be checked here (a clean refusal, not a crash).
        if (CryptRn == null)
            return VerifyResult.Unsupported;
        byte[] phrase = new byte[password.Length + 1];
        byte[] setting = new byte[System.Text.Encoding.UTF8.GetByteCount(stored) + 1];
        byte[] data = new byte[CryptDataSize];
        try
        {
            password.CopyTo(phrase);
            System.Text.Encoding.UTF8.GetBytes(stored, setting);
            fixed (byte* p = phrase, s = setting, d = data)
            {
                byte* result = CryptRn(p, s, d, CryptDataSize);
                if (result == null || result[0] == (byte)'*')
                    return VerifyResult.Malformed;
                var computed = new ReadOnlySpan<byte>(result, new ReadOnlySpan<byte>(result, CryptDataSize).IndexOf((byte)0));
                return ConstantTime.Equals(computed, setting.AsSpan(0, setting.Length - 1))
                    ? VerifyResult.Match
                    : VerifyResult.NoMatch;
            }
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(phrase);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(data);
        }
    }
}
