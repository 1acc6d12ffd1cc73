namespace PamMySqlNet.Hashing;

/// <summary>The families whose verification cost depends on parameters in the stored string.</summary>
public enum CostFamily
{
    /// <summary>Microseconds whatever the string says: hex digests, MySQL, plain text, DES, NT, ...</summary>
    Cheap,
    Md5Crypt,
    Sha256Crypt,
    Sha512Crypt,
    BCrypt,
    Argon2,
    Yescrypt,
    Scrypt,
    PhPassMd5,
    PhPassSha512,
    SunMd5,
    Sha1Crypt,
    Bsdi,
    Pbkdf2,
    ScramSha1,
    ScramSha256,
}

/// <summary>
/// The scheme and cost parameters of a stored string, without its salt or hash: what a
/// verification of that string costs. <see cref="Parameters"/> is the family's cost field as
/// text (sha-crypt rounds, bcrypt cost, <c>argon2id,19,m,t,p</c>, the yescrypt/scrypt parameter
/// characters, ...); empty for fixed-cost families. Also names the cap a string exceeds.
/// </summary>
public sealed record HashCost(CostFamily Family, string Parameters)
{
    public static readonly HashCost Cheap = new(CostFamily.Cheap, "");

    /// <summary>
    /// The family and parameters of <paramref name="stored"/> as crypt=auto would read it (a
    /// Dovecot <c>{SCHEME}</c> prefix of a costly family is looked through), or null when the
    /// string is not a well-formed value of a costly family; <paramref name="overCap"/> then says
    /// which cap it exceeds, if that is why.
    /// </summary>
    public static HashCost? Of(string stored, out string? overCap)
    {
        overCap = null;
        if (string.IsNullOrEmpty(stored) || !Codec.IsAscii(stored))
            return null;
        string s = stored;
        if (s[0] == '{')
        {
            if (!DovecotSchemes.TrySplit(s, out string name, out DigestEncoding? encoding, out s))
                return null;
            // An encoding suffix on a text scheme wraps the value (DovecotSchemes.Verify decodes it
            // the same way); {MD5.B64} may wrap an md5crypt string.
            if (encoding is DigestEncoding e && (DovecotSchemes.IsTextScheme(name) || name == "MD5"))
            {
                if (!DovecotSchemes.TryDecodeText(s, e, out string text))
                    return name == "MD5" ? Cheap : null;
                s = text;
            }
            else if (encoding is not null)
                return Cheap;
            switch (name)
            {
                case "CRYPT" or "MD5-CRYPT" or "SHA256-CRYPT" or "SHA512-CRYPT" or "BLF-CRYPT" or "ARGON2" or "ARGON2I" or "ARGON2ID" or "DES-CRYPT":
                    break;
                case "MD5" when s.StartsWith("$1$", StringComparison.Ordinal):
                    break;
                case "PBKDF2":
                    return Pbkdf2(s, out overCap);
                case "SCRAM-SHA-1":
                    return Scram(s, CostFamily.ScramSha1, out overCap);
                case "SCRAM-SHA-256":
                    return Scram(s, CostFamily.ScramSha256, out overCap);
                default:
                    return Cheap;
            }
            if (s.Length == 0)
                return null;
        }
        if (s.StartsWith("$1$", StringComparison.Ordinal) || s.StartsWith("$apr1$", StringComparison.Ordinal))
            return new HashCost(CostFamily.Md5Crypt, "");
        if (s.StartsWith("$5$", StringComparison.Ordinal))
            return ShaCryptRounds(s, CostFamily.Sha256Crypt, out overCap);
        if (s.StartsWith("$6$", StringComparison.Ordinal))
            return ShaCryptRounds(s, CostFamily.Sha512Crypt, out overCap);
        if (s.Length == 60 && s.StartsWith("$2", StringComparison.Ordinal) && s[3] == '$' && s[6] == '$'
            && char.IsAsciiDigit(s[4]) && char.IsAsciiDigit(s[5]))
        {
            int cost = (s[4] - '0') * 10 + (s[5] - '0');
            if (cost > BCrypt.MaxCost)
                overCap = $"bcrypt cost {cost} is over the cap of {BCrypt.MaxCost}";
            return cost < BCrypt.MinCost || cost > BCrypt.MaxCost ? null : new HashCost(CostFamily.BCrypt, cost.ToString("00"));
        }
        if (s.StartsWith("$argon2", StringComparison.Ordinal))
            return Argon2Params(s, out overCap);
        if (s.StartsWith("$y$", StringComparison.Ordinal) || s.StartsWith("$gy$", StringComparison.Ordinal))
            return YescryptParams(s, out overCap);
        if (s.StartsWith("$7$", StringComparison.Ordinal))
            return ScryptParams(s, out overCap);
        string php = s.StartsWith("U$", StringComparison.Ordinal) ? s[1..] : s;
        if (php.Length >= 12 && (php.StartsWith("$P$", StringComparison.Ordinal) || php.StartsWith("$H$", StringComparison.Ordinal)
                                 || php.StartsWith("$S$", StringComparison.Ordinal)))
        {
            int log2 = Codec.CryptIndex(php[3]);
            if (log2 > PhPass.MaxLog2Count)
                overCap = $"phpass log2(count) {log2} is over the cap of {PhPass.MaxLog2Count}";
            return log2 < PhPass.MinLog2Count || log2 > PhPass.MaxLog2Count ? null
                : new HashCost(php[1] == 'S' ? CostFamily.PhPassSha512 : CostFamily.PhPassMd5, php[3].ToString());
        }
        if (s.StartsWith("$md5", StringComparison.Ordinal))
        {
            if (s.StartsWith("$md5$", StringComparison.Ordinal))
                return new HashCost(CostFamily.SunMd5, "0");
            int end = s.IndexOf('$', 1);
            if (!s.StartsWith("$md5,rounds=", StringComparison.Ordinal) || end <= 12
                || !Codec.TryParseDecimal(s.AsSpan(12, end - 12), 999_999_999_999, out long r))
                return null;
            return Capped(CostFamily.SunMd5, r, LibXCryptSchemes.MaxSunMd5Rounds, "sunmd5 rounds", out overCap);
        }
        if (s.StartsWith("$sha1$", StringComparison.Ordinal))
        {
            int end = s.IndexOf('$', 6);
            if (end <= 6 || !Codec.TryParseDecimal(s.AsSpan(6, end - 6), 999_999_999_999, out long r) || r < 1)
                return null;
            return Capped(CostFamily.Sha1Crypt, r, LibXCryptSchemes.MaxSha1CryptRounds, "sha1crypt rounds", out overCap);
        }
        if (s[0] == '_')
        {
            if (s.Length != 20 || !Codec.IsCryptBase64(s.AsSpan(1)))
                return null;
            long count = 0;
            for (int i = 0; i < 4; i++)
                count |= (long)Codec.CryptIndex(s[1 + i]) << (6 * i);
            return count < 1 ? null : Capped(CostFamily.Bsdi, count, LibXCryptSchemes.MaxBsdiCount, "BSDi count", out overCap);
        }
        return Cheap;
    }

    private static HashCost? Capped(CostFamily family, long value, long cap, string what, out string? overCap)
    {
        overCap = value > cap ? $"{what} {value} is over the cap of {cap}" : null;
        return value > cap ? null : new HashCost(family, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static HashCost? ShaCryptRounds(string s, CostFamily family, out string? overCap)
    {
        overCap = null;
        if (!s.AsSpan(3).StartsWith("rounds="))
            return new HashCost(family, ShaCrypt.DefaultRounds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        int d = s.IndexOf('$', 3);
        if (d < 0 || !Codec.TryParseDecimal(s.AsSpan(10, d - 10), 999_999_999, out long r) || r < ShaCrypt.MinRounds)
            return null;
        return Capped(family, r, ShaCrypt.MaxRounds, "sha-crypt rounds", out overCap);
    }

    private static HashCost? Argon2Params(string s, out string? overCap)
    {
        overCap = null;
        string[] f = s.Split('$');
        if (f.Length is not (5 or 6) || f[1] is not ("argon2i" or "argon2id"))
            return null;
        string version = f.Length == 6 ? f[2] : "v=16";
        if (version is not ("v=19" or "v=16"))
            return null;
        string[] ps = f[f.Length - 3].Split(',');
        if (ps.Length != 3 || !ps[0].StartsWith("m=", StringComparison.Ordinal) || !ps[1].StartsWith("t=", StringComparison.Ordinal)
            || !ps[2].StartsWith("p=", StringComparison.Ordinal)
            || !Codec.TryParseDecimal(ps[0].AsSpan(2), int.MaxValue, out long m)
            || !Codec.TryParseDecimal(ps[1].AsSpan(2), int.MaxValue, out long t)
            || !Codec.TryParseDecimal(ps[2].AsSpan(2), int.MaxValue, out long p)
            || p < 1 || t < 1 || m < 8 * p)
            return null;
        overCap = m > Argon2.MaxMemoryKiB ? $"argon2 memory m={m} KiB is over the cap of {Argon2.MaxMemoryKiB}"
            : t > Argon2.MaxIterations ? $"argon2 passes t={t} is over the cap of {Argon2.MaxIterations}"
            : p > Argon2.MaxParallelism ? $"argon2 lanes p={p} is over the cap of {Argon2.MaxParallelism}"
            : null;
        return overCap is null ? new HashCost(CostFamily.Argon2, $"{f[1]},{version},m={m},t={t},p={p}") : null;
    }

    /// <summary>yescrypt / gost-yescrypt: the whole parameter field (<c>j9T</c>, <c>jA.0./</c>, ...), see <see cref="YescryptSetting"/>.</summary>
    private static HashCost? YescryptParams(string s, out string? overCap)
    {
        overCap = null;
        if (!YescryptSetting.TryParse(s.AsSpan(s[1] == 'g' ? 4 : 3), out var setting))
            return null;
        overCap = setting.Check();
        return overCap is null ? new HashCost(CostFamily.Yescrypt, setting.Field) : null;
    }

    /// <summary>scrypt <c>$7$</c>: N = 2^n, r, p = 1; memory 128·r·N.</summary>
    private static HashCost? ScryptParams(string s, out string? overCap)
    {
        overCap = null;
        if (s.Length < 3 + 11)
            return null;
        int n = Codec.CryptIndex(s[3]);
        long r = 0, p = 0;
        for (int i = 0; i < 5; i++)
        {
            int x = Codec.CryptIndex(s[4 + i]), y = Codec.CryptIndex(s[9 + i]);
            if (x < 0 || y < 0)
                return null;
            r |= (long)x << (6 * i);
            p |= (long)y << (6 * i);
        }
        if (n < 1 || r < 1 || p != 1)
            return null;
        long bytes = n > 30 ? long.MaxValue : 128L * r << n;
        if (bytes > LibXCryptSchemes.MaxYescryptBytes || r > 32)
        {
            overCap = $"scrypt memory is over the cap of {LibXCryptSchemes.MaxYescryptBytes >> 20} MiB";
            return null;
        }
        return new HashCost(CostFamily.Scrypt, s.Substring(3, 11));
    }

    private static HashCost? Pbkdf2(string value, out string? overCap)
    {
        overCap = null;
        string[] parts = value.Split('$');
        if (parts.Length != 5 || parts[1] != "1" || !Codec.TryParseDecimal(parts[3], 999_999_999_999, out long rounds) || rounds < 1)
            return null;
        return Capped(CostFamily.Pbkdf2, rounds, DovecotPbkdf2.MaxRounds, "PBKDF2 rounds", out overCap);
    }

    private static HashCost? Scram(string value, CostFamily family, out string? overCap)
    {
        overCap = null;
        int comma = value.IndexOf(',');
        if (comma < 1 || !Codec.TryParseDecimal(value.AsSpan(0, comma), 999_999_999_999, out long iterations) || iterations < 1)
            return null;
        return Capped(family, iterations, ScramCredentials.MaxIterations, "SCRAM iterations", out overCap);
    }
}
