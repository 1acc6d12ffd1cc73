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
    /// hold; measured on a 2-core box: ~0.5 s (sha512) / ~0.8 s (sha256) with a typical password
    /// of up to 64 bytes, 3.4 s / 5.2 s at the 512-byte password cap (the worst case).</summary>
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

    public static VerifyResult Verify256(ReadOnlySpan<byte> password, string stored) => Verify(password, stored, is512: false);

    public static VerifyResult Verify512(ReadOnlySpan<byte> password, string stored) => Verify(password, stored, is512: true);

    private static VerifyResult Verify(ReadOnlySpan<byte> password, string stored, bool is512)
    {
        string prefix = is512 ? "$6$" : "$5$";
        if (!stored.StartsWith(prefix, StringComparison.Ordinal) || !Codec.IsAscii(stored))
            return VerifyResult.Malformed;
        ReadOnlySpan<char> rest = stored.AsSpan(3);
        int rounds = DefaultRounds;
        bool customRounds = false;
        if (rest.StartsWith("rounds="))
        {
            int d = rest.IndexOf('$');
            if (d < 0 || !Codec.TryParseDecimal(rest[7..d], 999_999_999, out long r))
                return VerifyResult.Malformed;
            if (r < MinRounds || r > MaxRounds)
                return VerifyResult.Malformed; // libxcrypt would print rounds=1000, never this string
            rounds = (int)r;
            customRounds = true;
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
        string computed = Hash(password, salt.ToString(), customRounds ? rounds : null, is512);
        return ConstantTime.Equals(computed, stored) ? VerifyResult.Match : VerifyResult.NoMatch;
    }

    /// <summary>
    /// The full crypt string. <paramref name="rounds"/> null means the default 5000 without a
    /// <c>rounds=</c> field; a value is clamped to [1000, 999999999] and written out.
    /// </summary>
    public static string Hash(ReadOnlySpan<byte> password, string salt, int? rounds, bool is512)
    {
        if (salt.Length > MaxSalt)
            salt = salt[..MaxSalt];
        int n = rounds is int r ? Math.Clamp(r, MinRounds, 999_999_999) : DefaultRounds;
        Span<byte> s = stackalloc byte[MaxSalt];
        s = s[..Encoding.ASCII.GetBytes(salt, s)];
        Span<byte> a = stackalloc byte[64];
        a = a[..(is512 ? 64 : 32)];
        if (is512)
            Compute<Sha512Hasher>(password, s, n, a);
        else
            Compute<Sha256Hasher>(password, s, n, a);
        try
        {
            var o = new StringBuilder(3 + 20 + s.Length + 1 + 86);
            o.Append(is512 ? "$6$" : "$5$");
            if (rounds is not null)
                o.Append("rounds=").Append(n).Append('$');
            o.Append(salt).Append('$');
            ReadOnlySpan<byte> order = is512 ? Order512 : Order256;
            for (int i = 0; i < order.Length; i += 3)
                CryptBase64.Append(o, a[order[i]], a[order[i + 1]], a[order[i + 2]], 4);
            if (is512)
                CryptBase64.Append(o, 0, 0, a[63], 2);
            else
                CryptBase64.Append(o, 0, a[31], a[30], 3);
            return o.ToString();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(a);
        }
    }

    /// <summary>
    /// The specification's digest A after <paramref name="n"/> rounds, in managed code with no
    /// per-round allocation or native call: the P and S byte sequences are computed once, and
    /// the rounds run in <see cref="CryptRounds"/>.
    /// </summary>
    [SkipLocalsInit]
    private static void Compute<T>(ReadOnlySpan<byte> password, ReadOnlySpan<byte> s, int n, Span<byte> a)
        where T : struct, IBlockHasher<T>
    {
        int hl = a.Length;
        Span<byte> b = stackalloc byte[64];
        b = b[..hl];
        Span<byte> dp = stackalloc byte[64];
        dp = dp[..hl];
        Span<byte> ds = stackalloc byte[64];
        ds = ds[..hl];
        Span<byte> p = password.Length <= 256 ? stackalloc byte[256] : new byte[password.Length];
        p = p[..password.Length];
        try
        {
            // B = H(pw salt pw)
            var h = T.Create();
            h.Append(password); h.Append(s); h.Append(password);
            h.Finish(b);
            // A = H(pw salt B-bytes-for-len(pw) bits-of-len(pw))
            h = T.Create();
            h.Append(password); h.Append(s);
            for (int left = password.Length; left > 0; left -= hl)
                h.Append(b[..Math.Min(hl, left)]);
            for (int i = password.Length; i > 0; i >>= 1)
            {
                if ((i & 1) != 0) h.Append(b); else h.Append(password);
            }
            h.Finish(a);
            // P: H(pw repeated len(pw) times), stretched to len(pw)
            h = T.Create();
            for (int i = 0; i < password.Length; i++)
                h.Append(password);
            h.Finish(dp);
            for (int i = 0; i < p.Length; i += hl)
                dp[..Math.Min(hl, p.Length - i)].CopyTo(p[i..]);
            // S: H(salt repeated 16 + A[0] times), stretched to len(salt) (at most 16 < hl bytes)
            h = T.Create();
            for (int i = 0; i < 16 + a[0]; i++)
                h.Append(s);
            h.Finish(ds);
            CryptRounds.Run<T>(a, p, ds[..s.Length], n);
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
