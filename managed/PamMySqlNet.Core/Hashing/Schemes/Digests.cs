using System.Security.Cryptography;

namespace PamMySqlNet.Hashing;

public enum DigestAlgorithm { Md4, Md5, Sha1, Sha256, Sha512 }

public enum DigestEncoding { Hex, Base64 }

/// <summary>
/// Plain message digests of the password, optionally salted (digest(password + salt) followed
/// by the salt, the LDAP/Dovecot <c>{SSHA}</c> layout), in hex or base64.
/// </summary>
public static class Digests
{
    public static int Size(DigestAlgorithm alg) => alg switch
    {
        DigestAlgorithm.Md4 or DigestAlgorithm.Md5 => 16,
        DigestAlgorithm.Sha1 => 20,
        DigestAlgorithm.Sha256 => 32,
        _ => 64,
    };

    /// <summary>digest(a + b) into <paramref name="output"/> (Size(alg) bytes).</summary>
    public static void Compute(DigestAlgorithm alg, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> output)
    {
        if (alg == DigestAlgorithm.Md4)
        {
            Md4.Hash(a, b, output);
            return;
        }
        using var h = IncrementalHash.CreateHash(alg switch
        {
            DigestAlgorithm.Md5 => HashAlgorithmName.MD5,
            DigestAlgorithm.Sha1 => HashAlgorithmName.SHA1,
            DigestAlgorithm.Sha256 => HashAlgorithmName.SHA256,
            _ => HashAlgorithmName.SHA512,
        });
        h.AppendData(a);
        h.AppendData(b);
        h.GetHashAndReset(output);
    }

    /// <summary>
    /// Compares digest(password) — or, when <paramref name="salted"/>, digest(password + salt)
    /// where the salt is what follows the digest in <paramref name="raw"/> — with
    /// <paramref name="raw"/>. Salted values need at least one salt byte.
    /// </summary>
    public static VerifyResult VerifyRaw(DigestAlgorithm alg, bool salted, ReadOnlySpan<byte> password, ReadOnlySpan<byte> raw)
    {
        int size = Size(alg);
        if (salted ? raw.Length <= size : raw.Length != size)
            return VerifyResult.Malformed;
        Span<byte> d = stackalloc byte[size];
        Compute(alg, password, raw[size..], d);
        return ConstantTime.MatchAndWipe(d, raw[..size]);
    }

    /// <summary>An unsalted digest as hex of either case (pam_mysql crypt=3/4/8/9).</summary>
    public static VerifyResult VerifyHex(DigestAlgorithm alg, ReadOnlySpan<byte> password, string stored)
    {
        if (stored.Length != 2 * Size(alg) || !Codec.TryDecodeHex(stored, out byte[] raw))
            return VerifyResult.Malformed;
        return VerifyRaw(alg, salted: false, password, raw);
    }

    /// <summary>
    /// A Dovecot/LDAP digest value. With an explicit encoding only that one is accepted; without
    /// one the scheme's default is tried first and then the other (Dovecot does the same by length).
    /// </summary>
    public static VerifyResult VerifyEncoded(DigestAlgorithm alg, bool salted, DigestEncoding? explicitEncoding,
        DigestEncoding defaultEncoding, ReadOnlySpan<byte> password, string value)
    {
        if (!TryDecode(value, explicitEncoding ?? defaultEncoding, out byte[] raw) || !PlausibleLength(alg, salted, raw))
        {
            if (explicitEncoding is not null)
                return VerifyResult.Malformed;
            var other = defaultEncoding == DigestEncoding.Hex ? DigestEncoding.Base64 : DigestEncoding.Hex;
            if (!TryDecode(value, other, out raw) || !PlausibleLength(alg, salted, raw))
                return VerifyResult.Malformed;
        }
        return VerifyRaw(alg, salted, password, raw);
    }

    private static bool PlausibleLength(DigestAlgorithm alg, bool salted, byte[] raw) =>
        salted ? raw.Length > Size(alg) : raw.Length == Size(alg);

    private static bool TryDecode(string value, DigestEncoding enc, out byte[] raw) =>
        enc == DigestEncoding.Hex ? Codec.TryDecodeHex(value, out raw) : Codec.TryDecodeBase64(value, padded: true, out raw);
}

/// <summary>MySQL's PASSWORD() (4.1+, <c>*</c> + 40 hex) and OLD_PASSWORD() (3.23, 16 hex).</summary>
public static class MySqlPassword
{
    /// <summary><c>*</c> + hex(SHA1(SHA1(password))), hex in either case.</summary>
    public static VerifyResult Verify41(ReadOnlySpan<byte> password, string stored) =>
        stored.Length == 41 && stored[0] == '*'
            ? ConstantTime.MatchHex(password, stored.AsSpan(1), 20, static (p, d) => { SHA1.HashData(p, d); SHA1.HashData(d, d); })
            : VerifyResult.Malformed;

    /// <summary>OLD_PASSWORD(): 16 hex digits; spaces and tabs in the password are skipped.</summary>
    public static VerifyResult Verify323(ReadOnlySpan<byte> password, string stored) =>
        ConstantTime.MatchHex(password, stored, 8, Hash323);

    /// <summary>The two 31-bit words of OLD_PASSWORD(), big-endian (as its hex text reads).</summary>
    internal static void Hash323(ReadOnlySpan<byte> password, Span<byte> output)
    {
        // MySQL computes in unsigned long and masks to 31 bits at the end; the low 32 bits only
        // ever depend on low 32 bits, so 32-bit arithmetic gives the same result.
        uint nr = 1345345333, add = 7, nr2 = 0x12345671;
        foreach (byte c in password)
        {
            if (c == ' ' || c == '\t')
                continue;
            uint tmp = c;
            nr ^= (((nr & 63) + add) * tmp) + (nr << 8);
            nr2 += (nr2 << 8) ^ nr;
            add += tmp;
        }
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(output, nr & 0x7fffffff);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(output[4..], nr2 & 0x7fffffff);
    }
}

/// <summary>Joomla 1.5: <c>md5hex(password + salt):salt</c> (pam_mysql crypt=6).</summary>
public static class Joomla15
{
    public static VerifyResult Verify(ReadOnlySpan<byte> password, string stored)
    {
        int colon = stored.IndexOf(':');
        if (colon != 32 || stored.Length == 33 || !Codec.TryDecodeHex(stored.AsSpan(0, 32), out byte[] raw)
            || !Codec.IsAscii(stored) || stored.IndexOf(':', 33) >= 0)
            return VerifyResult.Malformed;
        byte[] salt = System.Text.Encoding.ASCII.GetBytes(stored[33..]);
        Span<byte> d = stackalloc byte[16];
        Digests.Compute(DigestAlgorithm.Md5, password, salt, d);
        return ConstantTime.MatchAndWipe(d, raw);
    }
}
