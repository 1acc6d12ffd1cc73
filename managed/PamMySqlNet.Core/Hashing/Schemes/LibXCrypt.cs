using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace PamMySqlNet.Hashing;

/// <summary>
/// libxcrypt's thread-safe <c>crypt_rn</c>, from libcrypt.so.1 (Debian's libcrypt1; libxcrypt-compat
/// in the RHEL family), else libcrypt.so.2 (the RHEL family's libxcrypt). It computes sha256crypt,
/// sha512crypt and bcrypt faster than our managed code (build/bench-hash.md), and the formats we
/// have no managed code for (yescrypt, scrypt, DES, ...). Callers check a stored string's shape and
/// cost first: nothing reaches libxcrypt that could ask it for unbounded work.
/// </summary>
/// <remarks>No allocation per call: each thread that hashes keeps one pinned 32 KiB
/// <c>struct crypt_data</c>, wiped after every call; the password and setting are copied to the
/// stack (both are bounded) and wiped.</remarks>
public static class LibXCrypt
{
    /// <summary>The sonames tried, in order (NativeLibraries.LibXCrypt).</summary>
    public static IReadOnlyList<string> Libraries => PamMySqlNet.Interop.NativeLibraries.LibXCrypt;
    private const int CryptDataSize = 32768; // sizeof(struct crypt_data) in libxcrypt
    /// <summary>CRYPT_MAX_PASSPHRASE_SIZE, with the NUL: libxcrypt hashes passwords of at most 511 bytes.</summary>
    public const int MaxPassphraseBytes = 512;
    private const int MaxSettingBytes = 3 * SchemeRegistry.MaxStoredLength + 1;
    private const int OutputSize = 384; // CRYPT_OUTPUT_SIZE

    // Resolved once, on first use; null when no library has crypt_rn.
    private static readonly unsafe delegate* unmanaged<byte*, byte*, byte*, int, byte*> CryptRn = Resolve();

    [ThreadStatic] private static byte[]? t_data;

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

    /// <summary>True when libxcrypt is loaded and hashes this password (no NUL, under 512 bytes); the
    /// managed schemes use it then, and their own code otherwise.</summary>
    public static unsafe bool Hashes(ReadOnlySpan<byte> password) =>
        CryptRn != null && password.Length < MaxPassphraseBytes && password.IndexOf((byte)0) < 0;

    /// <summary>crypt(phrase, stored) compared with stored in constant time; Malformed when libxcrypt
    /// refuses the setting; Unsupported when no libxcrypt can be loaded (<see cref="Unavailable"/>).</summary>
    public static unsafe VerifyResult Verify(ReadOnlySpan<byte> password, string stored)
    {
        // libxcrypt hashes at most 511 bytes (CRYPT_MAX_PASSPHRASE_SIZE counts the NUL): no stored
        // string can be the hash of a longer one, so it does not match (not "malformed", I6).
        if (stored.Length > SchemeRegistry.MaxStoredLength)
            return VerifyResult.Malformed;
        if (password.IndexOf((byte)0) >= 0 || stored.Contains('\0') || password.Length >= MaxPassphraseBytes)
            return VerifyResult.NoMatch;
        // No libxcrypt at all: the format cannot be checked here (a clean refusal, not a crash).
        if (CryptRn == null)
            return VerifyResult.Unsupported;
        Span<byte> setting = stackalloc byte[MaxSettingBytes];
        setting = setting[..Encoding.UTF8.GetBytes(stored, setting)];
        Span<byte> computed = stackalloc byte[OutputSize];
        int length = Run(password, setting, computed);
        return length < 0 ? VerifyResult.Malformed
            : ConstantTime.Equals(computed[..length], setting) ? VerifyResult.Match : VerifyResult.NoMatch;
    }

    /// <summary>The crypt string for a new password from an ASCII <paramref name="setting"/> (prefix,
    /// cost and salt), or null when libxcrypt is not loaded, does not take this password
    /// (<see cref="Hashes"/>) or refuses the setting.</summary>
    public static string? Hash(ReadOnlySpan<byte> password, string setting)
    {
        if (!Hashes(password) || setting.Length >= 256 || !Codec.IsAscii(setting))
            return null;
        Span<byte> s = stackalloc byte[256];
        s = s[..Encoding.ASCII.GetBytes(setting, s)];
        Span<byte> computed = stackalloc byte[OutputSize];
        int length = Run(password, s, computed);
        return length < 0 ? null : Encoding.ASCII.GetString(computed[..length]);
    }

    /// <summary>crypt_rn into this thread's buffer; the result is copied to <paramref name="output"/>
    /// and its length returned, or -1 when libxcrypt refuses. The buffer and the password copy are
    /// wiped before the return.</summary>
    private static unsafe int Run(ReadOnlySpan<byte> password, ReadOnlySpan<byte> setting, Span<byte> output)
    {
        byte[] data = t_data ??= GC.AllocateArray<byte>(CryptDataSize, pinned: true);
        Span<byte> phrase = stackalloc byte[MaxPassphraseBytes];
        Span<byte> settingZ = stackalloc byte[setting.Length + 1];
        password.CopyTo(phrase);
        phrase[password.Length] = 0;
        setting.CopyTo(settingZ);
        settingZ[setting.Length] = 0;
        try
        {
            fixed (byte* p = phrase, s = settingZ, d = data)
            {
                byte* result = CryptRn(p, s, d, CryptDataSize);
                if (result == null || result < d || result >= d + CryptDataSize || result[0] == (byte)'*')
                    return -1;
                var rest = new ReadOnlySpan<byte>(result, (int)Math.Min(d + CryptDataSize - result, output.Length + 1));
                int length = rest.IndexOf((byte)0);
                if (length < 0)
                    return -1;
                rest[..length].CopyTo(output);
                return length;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(phrase[..(password.Length + 1)]);
            CryptographicOperations.ZeroMemory(data);
        }
    }
}
