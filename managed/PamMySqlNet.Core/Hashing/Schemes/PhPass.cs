using System.Security.Cryptography;
using System.Text;

namespace PamMySqlNet.Hashing;

/// <summary>
/// phpass portable hashes (<c>$P$</c>, <c>$H$</c>: MD5) and Drupal 7 (<c>$S$</c>: SHA-512,
/// 55 characters in all; <c>U$</c>-prefixed: the password is first replaced by its MD5 hex, for
/// accounts migrated from Drupal 6). Layout: prefix, one log2(count) character, 8 salt
/// characters, then the digest in crypt-base64 (phpass byte order).
/// </summary>
public static class PhPass
{
    /// <summary>Our cap on log2 of the iteration count (phpass allows 30): at 19, a Drupal <c>$S$</c>
    /// verify of a 512-byte password is about 1 s of CPU.</summary>
    public const int MaxLog2Count = 19;
    public const int MinLog2Count = 7;
    private const int DrupalHashLength = 55;

    public static VerifyResult Verify(ReadOnlySpan<byte> password, string stored)
    {
        if (!Codec.IsAscii(stored))
            return VerifyResult.Malformed;
        if (stored.StartsWith("U$", StringComparison.Ordinal))
        {
            // Drupal 6 import: hash of md5hex(password).
            Span<byte> md5 = stackalloc byte[16];
            MD5.HashData(password, md5);
            byte[] hex = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(md5));
            CryptographicOperations.ZeroMemory(md5);
            try
            {
                string inner = stored[1..];
                string? computedInner = Compute(hex, inner);
                if (computedInner is null)
                    return VerifyResult.Malformed;
                return ConstantTime.Equals("U" + computedInner, stored) ? VerifyResult.Match : VerifyResult.NoMatch;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(hex);
            }
        }
        string? computed = Compute(password, stored);
        if (computed is null)
            return VerifyResult.Malformed;
        return ConstantTime.Equals(computed, stored) ? VerifyResult.Match : VerifyResult.NoMatch;
    }

    /// <summary>The hash string for the setting in <paramref name="stored"/>, or null when malformed.</summary>
    internal static string? Compute(ReadOnlySpan<byte> password, string stored)
    {
        if (stored.Length < 12)
            return null;
        bool sha512 = stored.StartsWith("$S$", StringComparison.Ordinal);
        if (!sha512 && !stored.StartsWith("$P$", StringComparison.Ordinal) && !stored.StartsWith("$H$", StringComparison.Ordinal))
            return null;
        int expectedLength = sha512 ? DrupalHashLength : 12 + 22;
        if (stored.Length != expectedLength || !Codec.IsCryptBase64(stored.AsSpan(3)))
            return null;
        int log2 = Codec.CryptIndex(stored[3]);
        if (log2 < MinLog2Count || log2 > MaxLog2Count)
            return null;
        byte[] salt = Encoding.ASCII.GetBytes(stored.Substring(4, 8));
        var alg = sha512 ? HashAlgorithmName.SHA512 : HashAlgorithmName.MD5;
        int size = sha512 ? 64 : 16;
        Span<byte> h = stackalloc byte[size];
        using (var inc = IncrementalHash.CreateHash(alg))
        {
            inc.AppendData(salt);
            inc.AppendData(password);
            inc.GetHashAndReset(h);
            for (int count = 1 << log2; count > 0; count--)
            {
                inc.AppendData(h);
                inc.AppendData(password);
                inc.GetHashAndReset(h);
            }
        }
        var sb = new StringBuilder(12 + 86);
        sb.Append(stored, 0, 12);
        Encode64(h, sb);
        CryptographicOperations.ZeroMemory(h);
        if (sb.Length > expectedLength)
            sb.Length = expectedLength;
        return sb.ToString();
    }

    /// <summary>phpass's encode64: little-endian 24-bit groups of consecutive bytes.</summary>
    private static void Encode64(ReadOnlySpan<byte> input, StringBuilder sb)
    {
        int i = 0;
        while (i < input.Length)
        {
            int value = input[i++];
            sb.Append(CryptBase64.Alphabet[value & 0x3f]);
            if (i < input.Length) value |= input[i] << 8;
            sb.Append(CryptBase64.Alphabet[(value >> 6) & 0x3f]);
            if (i++ >= input.Length) break;
            if (i < input.Length) value |= input[i] << 16;
            sb.Append(CryptBase64.Alphabet[(value >> 12) & 0x3f]);
            if (i++ >= input.Length) break;
            sb.Append(CryptBase64.Alphabet[(value >> 18) & 0x3f]);
        }
    }
}

/// <summary>
/// Dovecot's <c>{PBKDF2}$1$salt$rounds$hexdigest</c>: PBKDF2-HMAC-SHA1 over the salt text,
/// 20-byte result in hex.
/// </summary>
public static class DovecotPbkdf2
{
    /// <summary>Our cap on rounds a stored value may ask for.</summary>
    public const int MaxRounds = 1_000_000;

    public static VerifyResult Verify(ReadOnlySpan<byte> password, string value)
    {
        if (!value.StartsWith("$1$", StringComparison.Ordinal) || !Codec.IsAscii(value))
            return VerifyResult.Malformed;
        string[] parts = value[3..].Split('$');
        if (parts.Length != 3 || parts[0].Length == 0
            || !Codec.TryParseDecimal(parts[1], int.MaxValue, out long rounds) || rounds < 1 || rounds > MaxRounds
            || parts[2].Length != 40 || !Codec.TryDecodeHex(parts[2], out byte[] expected))
            return VerifyResult.Malformed;
        byte[] salt = Encoding.ASCII.GetBytes(parts[0]);
        Span<byte> d = stackalloc byte[20];
        Rfc2898DeriveBytes.Pbkdf2(password, salt, d, (int)rounds, HashAlgorithmName.SHA1);
        return ConstantTime.MatchAndWipe(d, expected);
    }
}

/// <summary>
/// Dovecot's SCRAM-SHA-1 / SCRAM-SHA-256 credentials <c>iterations,salt,StoredKey,ServerKey</c>
/// (base64 fields, RFC 5802): both keys are recomputed from the password and compared.
/// </summary>
public static class ScramCredentials
{
    public const int MaxIterations = 1_000_000;

    public static VerifyResult VerifySha1(ReadOnlySpan<byte> password, string value) => Verify(password, value, HashAlgorithmName.SHA1, 20);

    public static VerifyResult VerifySha256(ReadOnlySpan<byte> password, string value) => Verify(password, value, HashAlgorithmName.SHA256, 32);

    private static VerifyResult Verify(ReadOnlySpan<byte> password, string value, HashAlgorithmName alg, int size)
    {
        string[] parts = value.Split(',');
        if (parts.Length != 4
            || !Codec.TryParseDecimal(parts[0], int.MaxValue, out long iterations) || iterations < 1 || iterations > MaxIterations
            || !Codec.TryDecodeBase64(parts[1], padded: true, out byte[] salt) || salt.Length == 0
            || !Codec.TryDecodeBase64(parts[2], padded: true, out byte[] storedKey) || storedKey.Length != size
            || !Codec.TryDecodeBase64(parts[3], padded: true, out byte[] serverKey) || serverKey.Length != size)
            return VerifyResult.Malformed;
        Span<byte> salted = stackalloc byte[size];
        Span<byte> clientKey = stackalloc byte[size];
        Span<byte> computedStored = stackalloc byte[size];
        Span<byte> computedServer = stackalloc byte[size];
        Rfc2898DeriveBytes.Pbkdf2(password, salt, salted, (int)iterations, alg);
        HMAC(alg, salted, "Client Key"u8, clientKey);
        HMAC(alg, salted, "Server Key"u8, computedServer);
        if (alg == HashAlgorithmName.SHA1) SHA1.HashData(clientKey, computedStored); else SHA256.HashData(clientKey, computedStored);
        bool ok = CryptographicOperations.FixedTimeEquals(computedStored, storedKey)
                  & CryptographicOperations.FixedTimeEquals(computedServer, serverKey);
        CryptographicOperations.ZeroMemory(salted);
        CryptographicOperations.ZeroMemory(clientKey);
        return ok ? VerifyResult.Match : VerifyResult.NoMatch;
    }

    private static void HMAC(HashAlgorithmName alg, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> output)
    {
        if (alg == HashAlgorithmName.SHA1) HMACSHA1.HashData(key, data, output); else HMACSHA256.HashData(key, data, output);
    }
}
