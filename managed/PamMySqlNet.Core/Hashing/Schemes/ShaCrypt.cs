using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace PamMySqlNet.Hashing;

/// <summary>
/// SHA-256-crypt (<c>$5$</c>) and SHA-512-crypt (<c>$6$</c>), Ulrich Drepper's scheme:
/// <c>$5$[rounds=N$]salt$hash</c>, salt up to 16 characters, default 5000 rounds, rounds clamped
/// by the specification to at least 1000.
/// </summary>
public static class ShaCrypt
{
    public const int DefaultRounds = 5000;
    public const int MinRounds = 1000;
    /// <summary>Our cap on rounds a stored string may ask for (libxcrypt allows 999,999,999). High
    /// enough for passlib's defaults (656,000 for sha512, 535,000 for sha256), which real tables
    /// hold; measured on a 2-core box at this cap: sha512crypt ~0.8 s with a password of up to 64
    /// bytes (libxcrypt), 2.6–3.3 s at the 512-byte password cap (the managed fallback, the worst
    /// case); sha256crypt (libcrypto's SHA-256) 0.2 s / 0.9 s.</summary>
    public const int MaxRounds = 1_000_000;
    private const int MaxSalt = 16;

    // Output byte order of the final digest, in groups of three (first, second, third byte of a
    // 24-bit value, most significant first) as laid down by the specification.
    private static ReadOnlySpan<byte> Order256 =>
    [
        0, 10, 20, 21, 1, 11, 12, 22, 2, 3, 13, 23, 24, 4, 14,
        15, 25, 5, 6, 16, 26, 27, 7, 17, 18, 28, 8, 9, 19, 29,
    ];

    private static ReadOnlySpan<byte> Order512 =>
    [
        0, 21, 42, 22, 43, 1, 44, 2, 23, 3, 24, 45, 25, 46, 4, 47, 5, 26, 6, 27, 48,
        28, 49, 7, 50, 8, 29, 9, 30, 51, 31, 52, 10, 53, 11, 32, 12, 33, 54, 34, 55, 13,
        56, 14, 35, 15, 36, 57, 37, 58, 16, 59, 17, 38, 18, 39, 60, 40, 61, 19, 62, 20, 41,
    ];

    public static VerifyResult Verify256(ReadOnlySpan<byte> password, string stored) => Verify(password, stored, is512: false, native: true);

    public static VerifyResult Verify512(ReadOnlySpan<byte> password, string stored) => Verify(password, stored, is512: true, native: true);

    /// <summary>The managed code alone on .NET's SHA-2 (what runs without libcrypto's SHA-256 and
    /// libxcrypt, or for passwords libxcrypt does not take), for the tests that keep it right.</summary>
    internal static VerifyResult VerifyManaged(ReadOnlySpan<byte> password, string stored, bool is512) =>
        Verify(password, stored, is512, native: false);

    /// <summary>Our shape and cost checks, then the fastest route here (build/bench-hash.md):
    /// sha256crypt's rounds on libcrypto's SHA256_Transform (the CPU's SHA instructions),
    /// sha512crypt on libxcrypt's crypt_rn; else the managed rounds on .NET's SHA-2.</summary>
    private static VerifyResult Verify(ReadOnlySpan<byte> password, string stored, bool is512, bool native)
    {
        string prefix = is512 ? "$6$" : "$5$";
        if (!stored.StartsWith(prefix, StringComparison.Ordinal) || !Codec.IsAscii(stored))
            return VerifyResult.Malformed;
        ReadOnlySpan<char> rest = stored.AsSpan(3);
        int rounds = DefaultRounds;
        // A rounds= field with a leading zero is valid but never what libxcrypt writes back:
        // like a whole-string comparison, it does not match.
        bool canonical = true;
        if (rest.StartsWith("rounds="))
        {
            int d = rest.IndexOf('$');
            if (d < 0 || !Codec.TryParseDecimal(rest[7..d], 999_999_999, out long r))
                return VerifyResult.Malformed;
            if (r < MinRounds || r > MaxRounds)
                return VerifyResult.Malformed; // libxcrypt would print rounds=1000, never this string
            rounds = (int)r;
            canonical = rest[7] != '0';
            rest = rest[(d + 1)..];
        }
        int end = rest.IndexOf('$');
        if (end < 0 || end > MaxSalt)
            return VerifyResult.Malformed;
        ReadOnlySpan<char> salt = rest[..end];
        if (salt.ContainsAny("$:\n"))
            return VerifyResult.Malformed;
        ReadOnlySpan<char> hash = rest[(end + 1)..];
        if (hash.Length != (is512 ? 86 : 43) || !Codec.IsCryptBase64(hash))
            return VerifyResult.Malformed;
        bool sha256Instructions = native && !is512 && OpenSslSha256.Available;
        if (native && !sha256Instructions && LibXCrypt.Hashes(password))
            return LibXCrypt.Verify(password, stored);
        return VerifyComputed(password, salt, rounds, hash, is512, sha256Instructions) && canonical
            ? VerifyResult.Match
            : VerifyResult.NoMatch;
    }

    /// <summary>Our computation compared with the stored hash text in constant time, on the stack.</summary>
    [SkipLocalsInit]
    private static bool VerifyComputed(ReadOnlySpan<byte> password, ReadOnlySpan<char> salt, int n, ReadOnlySpan<char> hash,
        bool is512, bool sha256Instructions)
    {
        Span<byte> s = stackalloc byte[MaxSalt];
        s = s[..Encoding.ASCII.GetBytes(salt, s)];
        Span<byte> a = stackalloc byte[64];
        a = a[..(is512 ? 64 : 32)];
        Span<byte> encoded = stackalloc byte[86];
        encoded = encoded[..hash.Length];
        Span<byte> expected = stackalloc byte[86];
        expected = expected[..Encoding.ASCII.GetBytes(hash, expected)];
        try
        {
            Compute(is512, password, s, n, a, sha256Instructions);
            Encode(a, is512, encoded);
            return CryptographicOperations.FixedTimeEquals(encoded, expected);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(a);
            CryptographicOperations.ZeroMemory(encoded);
        }
    }

    /// <summary>
    /// The full crypt string. <paramref name="rounds"/> null means the default 5000 without a
    /// <c>rounds=</c> field; a value is clamped to [1000, 999999999] and written out. Computed on
    /// the route <see cref="Verify(ReadOnlySpan{byte}, string, bool, bool)"/> takes.
    /// </summary>
    public static string Hash(ReadOnlySpan<byte> password, string salt, int? rounds, bool is512)
    {
        if (salt.Length > MaxSalt)
            salt = salt[..MaxSalt];
        if (!is512 && OpenSslSha256.Available)
            return Format(password, salt, rounds, is512, sha256Instructions: true);
        if (Codec.IsCryptBase64(salt))
        {
            string setting = (is512 ? "$6$" : "$5$")
                + (rounds is int r ? "rounds=" + Math.Clamp(r, MinRounds, 999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture) + "$" : "")
                + salt;
            if (LibXCrypt.Hash(password, setting) is { } hashed)
                return hashed;
        }
        return HashManaged(password, salt, rounds, is512);
    }

    /// <summary><see cref="Hash"/> in managed code only, on .NET's SHA-2.</summary>
    internal static string HashManaged(ReadOnlySpan<byte> password, string salt, int? rounds, bool is512) =>
        Format(password, salt.Length > MaxSalt ? salt[..MaxSalt] : salt, rounds, is512, sha256Instructions: false);

    private static string Format(ReadOnlySpan<byte> password, string salt, int? rounds, bool is512, bool sha256Instructions)
    {
        int n = rounds is int r ? Math.Clamp(r, MinRounds, 999_999_999) : DefaultRounds;
        Span<byte> s = stackalloc byte[MaxSalt];
        s = s[..Encoding.ASCII.GetBytes(salt, s)];
        Span<byte> a = stackalloc byte[64];
        a = a[..(is512 ? 64 : 32)];
        Span<byte> encoded = stackalloc byte[86];
        encoded = encoded[..(is512 ? 86 : 43)];
        try
        {
            Compute(is512, password, s, n, a, sha256Instructions);
            Encode(a, is512, encoded);
            var o = new StringBuilder(3 + 20 + s.Length + 1 + 86);
            o.Append(is512 ? "$6$" : "$5$");
            if (rounds is not null)
                o.Append("rounds=").Append(n).Append('$');
            o.Append(salt).Append('$').Append(Encoding.ASCII.GetString(encoded));
            return o.ToString();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(a);
        }
    }

    /// <summary>The digest in crypt-base64, in the specification's byte order (86 or 43 characters).</summary>
    private static void Encode(ReadOnlySpan<byte> a, bool is512, Span<byte> output)
    {
        ReadOnlySpan<byte> order = is512 ? Order512 : Order256;
        int o = 0;
        for (int i = 0; i < order.Length; i += 3)
            o += CryptBase64.Encode(a[order[i]], a[order[i + 1]], a[order[i + 2]], output[o..(o + 4)]);
        if (is512)
            CryptBase64.Encode(0, 0, a[63], output[o..(o + 2)]);
        else
            CryptBase64.Encode(0, a[31], a[30], output[o..(o + 3)]);
    }

    /// <summary>
    /// The specification's digest A after <paramref name="n"/> rounds. The few hashes before the
    /// rounds run on .NET's SHA-2 (one reused hash object); the rounds on libcrypto's
    /// SHA256_Transform over messages laid out once (<see cref="CryptRounds"/>) when
    /// <paramref name="sha256Instructions"/>, else on the same hash object (the fallback: clear
    /// rather than fast; no per-round allocation either way).
    /// </summary>
    [SkipLocalsInit]
    private static void Compute(bool is512, ReadOnlySpan<byte> password, ReadOnlySpan<byte> s, int n, Span<byte> a, bool sha256Instructions)
    {
        var algorithm = is512 ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256;
        int hl = a.Length;
        Span<byte> b = stackalloc byte[64];
        b = b[..hl];
        Span<byte> dp = stackalloc byte[64];
        dp = dp[..hl];
        Span<byte> ds = stackalloc byte[64];
        ds = ds[..hl];
        Span<byte> p = password.Length <= 256 ? stackalloc byte[256] : new byte[password.Length];
        p = p[..password.Length];
        using var h = IncrementalHash.CreateHash(algorithm);
        try
        {
            // B = H(pw salt pw)
            h.AppendData(password); h.AppendData(s); h.AppendData(password);
            h.GetHashAndReset(b);
            // A = H(pw salt B-bytes-for-len(pw) bits-of-len(pw))
            h.AppendData(password); h.AppendData(s);
            for (int left = password.Length; left > 0; left -= hl)
                h.AppendData(b[..Math.Min(hl, left)]);
            for (int i = password.Length; i > 0; i >>= 1)
                h.AppendData((i & 1) != 0 ? b : password);
            h.GetHashAndReset(a);
            // P: H(pw repeated len(pw) times), stretched to len(pw)
            for (int i = 0; i < password.Length; i++)
                h.AppendData(password);
            h.GetHashAndReset(dp);
            for (int i = 0; i < p.Length; i += hl)
                dp[..Math.Min(hl, p.Length - i)].CopyTo(p[i..]);
            // S: H(salt repeated 16 + A[0] times), stretched to len(salt) (at most 16 < hl bytes)
            for (int i = 0; i < 16 + a[0]; i++)
                h.AppendData(s);
            h.GetHashAndReset(ds);
            ReadOnlySpan<byte> salt = ds[..s.Length];
            if (sha256Instructions)
            {
                CryptRounds.Run<OpenSslSha256>(a, p, salt, n);
                return;
            }
            // Round i: (P or A) [S if i % 3] [P if i % 7] (A or P), P first on odd rounds.
            for (int round = 0; round < n; round++)
            {
                bool odd = (round & 1) != 0;
                h.AppendData(odd ? p : a);
                if (round % 3 != 0) h.AppendData(salt);
                if (round % 7 != 0) h.AppendData(p);
                h.AppendData(odd ? a : p);
                h.GetHashAndReset(a);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(p);
            CryptographicOperations.ZeroMemory(b);
            CryptographicOperations.ZeroMemory(dp);
            CryptographicOperations.ZeroMemory(ds);
        }
    }
}
