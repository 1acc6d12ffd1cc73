namespace PamMySqlNet.Hashing;

/// <summary>
/// crypt(3) formats checked by libxcrypt's <c>crypt_rn</c>, only after our own shape and cost
/// checks: a stored string can never make libxcrypt run an unbounded amount of work. Only the
/// formats listed here reach libxcrypt; any other string is Malformed.
/// </summary>
/// <remarks>
/// Caps (one verify stays near a second of CPU and 64 MiB, see <see cref="SchemeRegistry"/>):
/// yescrypt / gost-yescrypt: flavour <c>j</c>, memory 128·r·N at most 64 MiB (<c>$y$jBT$</c>,
/// mkpasswd cost 7; the default <c>j9T</c> is 16 MiB), optional p and t within the caps of
/// <see cref="YescryptSetting"/> (p ≤ 16, t ≤ 16, 128·r·N·max(1, t) ≤ 256 MiB); scrypt <c>$7$</c>:
/// 128·r·N ≤ 64 MiB, r ≤ 32, p = 1; sunmd5: rounds ≤ 500,000; <c>$sha1$</c>: rounds ≤ 500,000;
/// BSDi <c>_</c>: count ≤ 1,000,000; DES: exactly 13 crypt-base64 characters; NT <c>$3$$</c> + 32 hex.
/// </remarks>
public static class LibXCryptSchemes
{
    public const int MaxSunMd5Rounds = 500_000;
    public const int MaxSha1CryptRounds = 500_000;
    public const int MaxBsdiCount = 1_000_000;
    /// <summary>yescrypt and scrypt: at most 64 MiB (128·r·N bytes).</summary>
    public const long MaxYescryptBytes = YescryptSetting.MaxMemoryBytes;

    public static VerifyResult Verify(ReadOnlySpan<byte> password, string stored) =>
        IsAcceptable(stored) ? LibXCrypt.Verify(password, stored) : VerifyResult.Malformed;

    public static bool IsAcceptable(string s)
    {
        if (s.Length == 0 || !Codec.IsAscii(s))
            return false;
        if (s.StartsWith("$y$", StringComparison.Ordinal))
            return YescryptParams(s.AsSpan(3));
        if (s.StartsWith("$gy$", StringComparison.Ordinal))
            return YescryptParams(s.AsSpan(4));
        if (s.StartsWith("$7$", StringComparison.Ordinal))
        {
            if (s.Length < 3 + 11)
                return false;
            int n = Codec.CryptIndex(s[3]);
            long r = Decode30(s.AsSpan(4, 5)), p = Decode30(s.AsSpan(9, 5));
            return n is >= 1 and <= 30 && r is >= 1 and <= 32 && p == 1 && (128L * r << n) <= MaxYescryptBytes;
        }
        if (s.StartsWith("$md5", StringComparison.Ordinal))
        {
            if (s.StartsWith("$md5$", StringComparison.Ordinal))
                return true;
            if (!s.StartsWith("$md5,rounds=", StringComparison.Ordinal))
                return false;
            int end = s.IndexOf('$', 12);
            return end > 12 && Codec.TryParseDecimal(s.AsSpan(12, end - 12), MaxSunMd5Rounds, out _);
        }
        if (s.StartsWith("$sha1$", StringComparison.Ordinal))
        {
            int end = s.IndexOf('$', 6);
            return end > 6 && Codec.TryParseDecimal(s.AsSpan(6, end - 6), MaxSha1CryptRounds, out long r) && r >= 1;
        }
        if (s.StartsWith("$3$$", StringComparison.Ordinal))
            return s.Length == 4 + 32 && Codec.IsHex(s.AsSpan(4));
        if (s[0] == '_')
        {
            if (s.Length != 20 || !Codec.IsCryptBase64(s.AsSpan(1)))
                return false;
            long count = Decode24(s.AsSpan(1, 4));
            return count is >= 1 and <= MaxBsdiCount;
        }
        // Traditional DES: 2 salt + 11 hash characters.
        return s.Length == 13 && Codec.IsCryptBase64(s);
    }

    private static bool YescryptParams(ReadOnlySpan<char> rest) =>
        YescryptSetting.TryParse(rest, out var setting) && setting.Check() is null;

    private static long Decode24(ReadOnlySpan<char> c)
    {
        long v = 0;
        for (int i = 0; i < c.Length; i++)
            v |= (long)Codec.CryptIndex(c[i]) << (6 * i);
        return v;
    }

    private static long Decode30(ReadOnlySpan<char> c)
    {
        long v = 0;
        for (int i = 0; i < c.Length; i++)
        {
            int x = Codec.CryptIndex(c[i]);
            if (x < 0)
                return -1;
            v |= (long)x << (6 * i);
        }
        return v;
    }
}
