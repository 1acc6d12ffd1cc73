using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace PamMySqlNet.Hashing;

/// <summary>
/// Argon2i and Argon2id (version 0x13) from libsodium (libsodium.so.23), whose SIMD code is 2.3×
/// as fast as Debian's libargon2 and 4× our managed code (build/bench-hash.md). Loaded on first
/// use; without it <see cref="Argon2"/> computes in managed code. Callers parse and cap the
/// parameters first (<see cref="Argon2.MaxMemoryKiB"/> and the rest): nothing reaches libsodium
/// that could ask it for more memory or passes than our own code would do.
/// </summary>
/// <remarks>
/// Two entry points: <c>crypto_pwhash_argon2i/argon2id</c> computes the raw tag, which we compare
/// in constant time — libsodium takes it only for a 16-byte salt, one lane, a tag of 16 bytes or
/// more (and t ≥ 3 for argon2i); <c>crypto_pwhash_argon2*_str_verify</c> checks any other PHC
/// string of version 0x13 (more lanes, other salt lengths), comparing in constant time itself; its
/// -1 means a mismatch when errno is EINVAL and a failure (memory) otherwise. Neither creates a thread.
/// </remarks>
public static class LibSodiumArgon2
{
    private const int AlgArgon2I13 = 1, AlgArgon2Id13 = 2;
    private const int MinTagBytes = 16, SaltBytes = 16, MinArgon2iPasses = 3;
    private const int Einval = 22;

    private static readonly Functions? Native = Functions.Load();

    /// <summary>True when libsodium is loaded (and sodium_init succeeded) in this process.</summary>
    public static bool Available => Native is not null;

    /// <summary>Computes the raw tag when libsodium takes these parameters; false (nothing written)
    /// when it does not, so the caller computes it in managed code.</summary>
    /// <exception cref="InsufficientMemoryException">libsodium could not allocate the memory.</exception>
    public static unsafe bool TryCompute(Argon2Type type, int version, ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt,
        int memoryKiB, int passes, int lanes, Span<byte> tag)
    {
        if (Native is not { } f || version != 0x13 || lanes != 1 || salt.Length != SaltBytes || tag.Length < MinTagBytes
            || type == Argon2Type.Argon2d || (type == Argon2Type.Argon2i && passes < MinArgon2iPasses))
            return false;
        int rc;
        // A non-null pointer for an empty password too (length 0).
        ReadOnlySpan<byte> pw = password.IsEmpty ? stackalloc byte[1] : password;
        fixed (byte* o = tag, p = pw, s = salt)
        {
            rc = type == Argon2Type.Argon2id
                ? f.Argon2id(o, (ulong)tag.Length, p, (ulong)password.Length, s, (ulong)passes, (nuint)memoryKiB * 1024, AlgArgon2Id13)
                : f.Argon2i(o, (ulong)tag.Length, p, (ulong)password.Length, s, (ulong)passes, (nuint)memoryKiB * 1024, AlgArgon2I13);
        }
        if (rc != 0)
        {
            CryptographicOperations.ZeroMemory(tag);
            throw new InsufficientMemoryException($"argon2: libsodium could not allocate {memoryKiB} KiB");
        }
        return true;
    }

    /// <summary>Checks <paramref name="phc"/> (a canonical, NUL-terminated PHC string of version 0x13
    /// whose fields the caller has parsed and capped) with str_verify; null when libsodium is not
    /// loaded or does not take the type.</summary>
    /// <exception cref="InsufficientMemoryException">libsodium failed other than by a mismatch.</exception>
    public static unsafe VerifyResult? TryVerifyString(Argon2Type type, ReadOnlySpan<byte> phc, ReadOnlySpan<byte> password, int tagLength)
    {
        if (Native is not { } f || type == Argon2Type.Argon2d || tagLength < MinTagBytes || phc.IsEmpty || phc[^1] != 0)
            return null;
        int rc, errno;
        ReadOnlySpan<byte> pw = password.IsEmpty ? stackalloc byte[1] : password;
        fixed (byte* s = phc, p = pw)
        {
            Marshal.SetLastSystemError(0);
            rc = type == Argon2Type.Argon2id
                ? f.StrVerifyId(s, p, (ulong)password.Length)
                : f.StrVerifyI(s, p, (ulong)password.Length);
            errno = Marshal.GetLastSystemError();
        }
        if (rc == 0)
            return VerifyResult.Match;
        if (errno == Einval)
            return VerifyResult.NoMatch;
        throw new InsufficientMemoryException($"argon2: libsodium failed (errno {errno})");
    }

    private sealed unsafe class Functions
    {
        public delegate* unmanaged<byte*, ulong, byte*, ulong, byte*, ulong, nuint, int, int> Argon2i;
        public delegate* unmanaged<byte*, ulong, byte*, ulong, byte*, ulong, nuint, int, int> Argon2id;
        public delegate* unmanaged<byte*, byte*, ulong, int> StrVerifyI;
        public delegate* unmanaged<byte*, byte*, ulong, int> StrVerifyId;

        public static Functions? Load()
        {
            foreach (string name in PamMySqlNet.Interop.NativeLibraries.LibSodium)
            {
                if (!NativeLibrary.TryLoad(name, out IntPtr lib))
                    continue;
                if (!NativeLibrary.TryGetExport(lib, "sodium_init", out IntPtr init)
                    || !NativeLibrary.TryGetExport(lib, "crypto_pwhash_argon2i", out IntPtr i)
                    || !NativeLibrary.TryGetExport(lib, "crypto_pwhash_argon2id", out IntPtr id)
                    || !NativeLibrary.TryGetExport(lib, "crypto_pwhash_argon2i_str_verify", out IntPtr vi)
                    || !NativeLibrary.TryGetExport(lib, "crypto_pwhash_argon2id_str_verify", out IntPtr vid))
                    continue;
                // sodium_init picks the SIMD code for this CPU (without it argon2 runs the portable
                // code); 0 = done, 1 = already done, -1 = failed. Thread-safe and idempotent.
                if (((delegate* unmanaged<int>)init)() < 0)
                    continue;
                return new Functions
                {
                    Argon2i = (delegate* unmanaged<byte*, ulong, byte*, ulong, byte*, ulong, nuint, int, int>)i,
                    Argon2id = (delegate* unmanaged<byte*, ulong, byte*, ulong, byte*, ulong, nuint, int, int>)id,
                    StrVerifyI = (delegate* unmanaged<byte*, byte*, ulong, int>)vi,
                    StrVerifyId = (delegate* unmanaged<byte*, byte*, ulong, int>)vid,
                };
            }
            return null;
        }
    }
}
