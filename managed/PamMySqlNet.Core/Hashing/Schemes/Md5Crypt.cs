using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace PamMySqlNet.Hashing;

/// <summary>
/// MD5-crypt (<c>$1$salt$hash</c>, Poul-Henning Kamp's FreeBSD scheme): 1000 rounds of MD5,
/// a salt of up to 8 characters, 22 characters of crypt-base64 output. Apache's <c>$apr1$</c>
/// is the same algorithm with "$apr1$" as the magic string.
/// </summary>
public static class Md5Crypt
{
    public const string Prefix = "$1$";
    public const string AprPrefix = "$apr1$";
    private const int MaxSalt = 8;

    /// <summary>Checks <paramref name="password"/> against a stored <c>$1$</c> string.</summary>
    public static VerifyResult Verify(ReadOnlySpan<byte> password, string stored) => Verify(password, stored, Prefix);

    /// <summary>Checks <paramref name="password"/> against a stored <c>$apr1$</c> string.</summary>
    public static VerifyResult VerifyApr1(ReadOnlySpan<byte> password, string stored) => Verify(password, stored, AprPrefix);

    private static VerifyResult Verify(ReadOnlySpan<byte> password, string stored, string prefix)
    {
        if (!TryParseSalt(stored, prefix, out string salt))
            return VerifyResult.Malformed;
        string computed = Hash(password, salt, prefix);
        return ConstantTime.Equals(computed, stored) ? VerifyResult.Match : VerifyResult.NoMatch;
    }

    /// <summary>The full <c>$1$salt$hash</c> (or <c>$apr1$salt$hash</c>) string for a password and salt.</summary>
    [SkipLocalsInit]
    public static string Hash(ReadOnlySpan<byte> password, string salt, string prefix = Prefix)
    {
        if (prefix is not (Prefix or AprPrefix))
            throw new ArgumentException("md5crypt prefix must be $1$ or $apr1$", nameof(prefix));
        string usedSalt = salt.Length > MaxSalt ? salt[..MaxSalt] : salt;
        Span<byte> saltBytes = stackalloc byte[MaxSalt];
        saltBytes = saltBytes[..System.Text.Encoding.ASCII.GetBytes(usedSalt, saltBytes)];
        Span<byte> magic = stackalloc byte[AprPrefix.Length];
        magic = magic[..System.Text.Encoding.ASCII.GetBytes(prefix, magic)];
        Span<byte> alt = stackalloc byte[16];
        var h = Md5Hasher.Create();
        h.Append(password);
        h.Append(saltBytes);
        h.Append(password);
        h.Finish(alt);

        Span<byte> final = stackalloc byte[16];
        h = Md5Hasher.Create();
        h.Append(password);
        h.Append(magic);
        h.Append(saltBytes);
        for (int left = password.Length; left > 0; left -= 16)
            h.Append(alt[..Math.Min(16, left)]);
        ReadOnlySpan<byte> zero = [0];
        for (int i = password.Length; i != 0; i >>= 1)
            h.Append((i & 1) != 0 ? zero : password[..1]);
        h.Finish(final);

        // 1000 rounds of MD5 over (pw|final) [salt] [pw] (final|pw), in managed code.
        CryptRounds.Run<Md5Hasher>(final, password, saltBytes, 1000);
        var sb = new System.Text.StringBuilder(prefix.Length + saltBytes.Length + 1 + 22);
        sb.Append(prefix).Append(System.Text.Encoding.ASCII.GetString(saltBytes)).Append('$');
        CryptBase64.Append(sb, final[0], final[6], final[12], 4);
        CryptBase64.Append(sb, final[1], final[7], final[13], 4);
        CryptBase64.Append(sb, final[2], final[8], final[14], 4);
        CryptBase64.Append(sb, final[3], final[9], final[15], 4);
        CryptBase64.Append(sb, final[4], final[10], final[5], 4);
        CryptBase64.Append(sb, 0, 0, final[11], 2);
        CryptographicOperations.ZeroMemory(final);
        CryptographicOperations.ZeroMemory(alt);
        return sb.ToString();
    }

    /// <summary>The salt of a stored string: up to 8 characters after <c>$1$</c>, ending at '$'.</summary>
    private static bool TryParseSalt(string stored, string prefix, out string salt)
    {
        salt = "";
        if (!stored.StartsWith(prefix, StringComparison.Ordinal))
            return false;
        int end = stored.IndexOf('$', prefix.Length);
        if (end < 0)
            return false;
        salt = stored[prefix.Length..end];
        // libxcrypt reads at most 8 salt characters; a longer one can never be produced by it.
        return salt.Length <= MaxSalt && salt.All(c => c is > ' ' and < (char)127 and not ':' and not ';' and not '*' and not '!' and not '\\')
               && stored.Length == end + 1 + 22;
    }
}
