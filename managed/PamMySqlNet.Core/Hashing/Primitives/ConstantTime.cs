using System.Security.Cryptography;

namespace PamMySqlNet.Hashing;

/// <summary>Comparisons whose time does not depend on where two secrets differ.</summary>
public static class ConstantTime
{
    /// <summary>Equal-length data compared with <see cref="CryptographicOperations.FixedTimeEquals"/>.
    /// Different lengths return false at once: a hash format's length is public.</summary>
    public static bool Equals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) =>
        a.Length == b.Length && CryptographicOperations.FixedTimeEquals(a, b);

    /// <summary>A computed digest against the stored one, in constant time; the computed bytes are
    /// wiped before the answer is returned (the verify tail every digest scheme shares).</summary>
    public static VerifyResult MatchAndWipe(Span<byte> computed, ReadOnlySpan<byte> stored)
    {
        bool ok = CryptographicOperations.FixedTimeEquals(computed, stored);
        CryptographicOperations.ZeroMemory(computed);
        return ok ? VerifyResult.Match : VerifyResult.NoMatch;
    }

    /// <summary>What a fixed-size digest scheme computes from the password into <c>output</c>.</summary>
    public delegate void DigestInto(ReadOnlySpan<byte> password, Span<byte> output);

    /// <summary>A stored value of exactly 2·<paramref name="bytes"/> hex digits (either case) against
    /// <paramref name="compute"/>(password), in constant time; Malformed for any other value.</summary>
    public static VerifyResult MatchHex(ReadOnlySpan<byte> password, ReadOnlySpan<char> hex, int bytes, DigestInto compute)
    {
        if (hex.Length != 2 * bytes || !Codec.TryDecodeHex(hex, out byte[] raw))
            return VerifyResult.Malformed;
        Span<byte> computed = stackalloc byte[bytes];
        compute(password, computed);
        return MatchAndWipe(computed, raw);
    }

    /// <summary>ASCII/UTF-8 text compared as bytes.</summary>
    public static bool Equals(string computed, string stored)
    {
        int n1 = System.Text.Encoding.UTF8.GetByteCount(computed);
        int n2 = System.Text.Encoding.UTF8.GetByteCount(stored);
        if (n1 != n2)
            return false;
        Span<byte> a = n1 <= 512 ? stackalloc byte[n1] : new byte[n1];
        Span<byte> b = n2 <= 512 ? stackalloc byte[n2] : new byte[n2];
        System.Text.Encoding.UTF8.GetBytes(computed, a);
        System.Text.Encoding.UTF8.GetBytes(stored, b);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }

    /// <summary>
    /// Secrets of any length (plain-text passwords): compare their SHA-256 digests, so neither
    /// the content nor the length of the stored secret shows in the time taken.
    /// </summary>
    public static bool EqualsHidingLength(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        Span<byte> da = stackalloc byte[32];
        Span<byte> db = stackalloc byte[32];
        SHA256.HashData(a, da);
        SHA256.HashData(b, db);
        // Equal digests with different inputs would need a SHA-256 collision; check lengths too anyway.
        return CryptographicOperations.FixedTimeEquals(da, db) & (a.Length == b.Length);
    }
}
