namespace PamMySqlNet.Hashing;

/// <summary>
/// <c>{SCHEME}value</c> strings as Dovecot (and OpenLDAP, Courier, PostfixAdmin) write them.
/// Names are case-insensitive; a <c>.HEX</c>, <c>.B64</c> or <c>.BASE64</c> suffix names the
/// value's encoding. For crypt-style schemes <c>.B64</c> means the crypt string itself is
/// base64-encoded (PostfixAdmin's <c>{SHA512-CRYPT.B64}</c>).
/// </summary>
/// <remarks>
/// Meanings follow Dovecot: <c>{MD5}</c> is MD5-crypt (<c>$1$</c>); a <c>{MD5}</c> value that
/// is not a <c>$1$</c> string is read as OpenLDAP's base64 MD5 digest (the two shapes cannot be
/// confused). <c>{CRYPT}</c> is any crypt(3) string. <c>{PLAIN}</c>/<c>{CLEAR}</c>/<c>{CLEARTEXT}</c>
/// are plain text. Digest schemes default to Dovecot's encoding (hex for PLAIN-MD5, PLAIN-MD4,
/// MD5RAW; base64 otherwise) and fall back to the other encoding when the value has that shape.
/// Not verifiable from a password alone: DIGEST-MD5 (needs the user name), NTLM, LANMAN, RPA,
/// OTP, SKEY → Unsupported.
/// </remarks>
public static class DovecotSchemes
{
    private delegate VerifyResult Check(ReadOnlySpan<byte> password, string value, DigestEncoding? encoding);

    private static readonly (string Name, Check Check)[] Table =
    [
        ("PLAIN", VerifyPlainValue),
        ("CLEAR", VerifyPlainValue),
        ("CLEARTEXT", VerifyPlainValue),
        ("CRYPT", CryptFamily(null)),
        ("DES-CRYPT", CryptFamily("")),
        ("MD5-CRYPT", CryptFamily("$1$")),
        ("SHA256-CRYPT", CryptFamily("$5$")),
        ("SHA512-CRYPT", CryptFamily("$6$")),
        ("BLF-CRYPT", CryptFamily("$2")),
        ("ARGON2I", CryptFamily("$argon2i$")),
        ("ARGON2ID", CryptFamily("$argon2id$")),
        ("MD5", VerifyMd5),
        ("PBKDF2", (p, v, e) => e is null ? DovecotPbkdf2.Verify(p, v) : VerifyResult.Malformed),
        ("CRAM-MD5", (p, v, e) => e is null or DigestEncoding.Hex ? CramMd5.Verify(p, v) : VerifyResult.Malformed),
        ("HMAC-MD5", (p, v, e) => e is null or DigestEncoding.Hex ? CramMd5.Verify(p, v) : VerifyResult.Malformed),
        ("SCRAM-SHA-1", (p, v, e) => e is null ? ScramCredentials.VerifySha1(p, v) : VerifyResult.Malformed),
        ("SCRAM-SHA-256", (p, v, e) => e is null ? ScramCredentials.VerifySha256(p, v) : VerifyResult.Malformed),
        ("PLAIN-MD5", Digest(DigestAlgorithm.Md5, false, DigestEncoding.Hex)),
        ("MD5RAW", Digest(DigestAlgorithm.Md5, false, DigestEncoding.Hex)),
        ("LDAP-MD5", Digest(DigestAlgorithm.Md5, false, DigestEncoding.Base64)),
        ("SMD5", Digest(DigestAlgorithm.Md5, true, DigestEncoding.Base64)),
        ("PLAIN-MD4", Digest(DigestAlgorithm.Md4, false, DigestEncoding.Hex)),
        ("SHA", Digest(DigestAlgorithm.Sha1, false, DigestEncoding.Base64)),
        ("SHA1", Digest(DigestAlgorithm.Sha1, false, DigestEncoding.Base64)),
        ("SSHA", Digest(DigestAlgorithm.Sha1, true, DigestEncoding.Base64)),
        ("SHA256", Digest(DigestAlgorithm.Sha256, false, DigestEncoding.Base64)),
        ("SSHA256", Digest(DigestAlgorithm.Sha256, true, DigestEncoding.Base64)),
        ("SHA512", Digest(DigestAlgorithm.Sha512, false, DigestEncoding.Base64)),
        ("SSHA512", Digest(DigestAlgorithm.Sha512, true, DigestEncoding.Base64)),
    ];

    /// <summary>Names in the table (for docs and tests).</summary>
    public static IEnumerable<string> Names => Table.Select(t => t.Name);

    public static VerifyResult Verify(ReadOnlySpan<byte> password, string stored)
    {
        int close = stored.IndexOf('}');
        if (stored.Length == 0 || stored[0] != '{' || close < 2 || close > 40)
            return VerifyResult.Malformed;
        string name = stored[1..close].ToUpperInvariant();
        foreach (char c in name)
            if (!(c is >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '.' or '_'))
                return VerifyResult.Malformed;
        DigestEncoding? encoding = null;
        if (name.EndsWith(".HEX", StringComparison.Ordinal)) { encoding = DigestEncoding.Hex; name = name[..^4]; }
        else if (name.EndsWith(".B64", StringComparison.Ordinal)) { encoding = DigestEncoding.Base64; name = name[..^4]; }
        else if (name.EndsWith(".BASE64", StringComparison.Ordinal)) { encoding = DigestEncoding.Base64; name = name[..^7]; }
        string value = stored[(close + 1)..];
        foreach (var (n, check) in Table)
            if (n == name)
                return check(password, value, encoding);
        return VerifyResult.Unsupported;
    }

    private static Check Digest(DigestAlgorithm alg, bool salted, DigestEncoding defaultEncoding) =>
        (p, v, e) => Digests.VerifyEncoded(alg, salted, e, defaultEncoding, p, v);

    private static VerifyResult VerifyPlainValue(ReadOnlySpan<byte> password, string value, DigestEncoding? encoding)
    {
        byte[] raw;
        if (encoding is null)
            raw = System.Text.Encoding.UTF8.GetBytes(value);
        else if (!(encoding == DigestEncoding.Hex ? Codec.TryDecodeHex(value, out raw) : Codec.TryDecodeBase64(value, true, out raw)))
            return VerifyResult.Malformed;
        return ConstantTime.EqualsHidingLength(password, raw) ? VerifyResult.Match : VerifyResult.NoMatch;
    }

    /// <summary>
    /// A crypt-style value whose string must start with <paramref name="requiredPrefix"/>
    /// (null: any crypt string; "": DES, i.e. not starting with '$').
    /// </summary>
    private static Check CryptFamily(string? requiredPrefix) => (p, v, e) =>
    {
        if (e == DigestEncoding.Hex)
            return VerifyResult.Malformed;
        if (e == DigestEncoding.Base64)
        {
            if (!Codec.TryDecodeBase64(v, padded: true, out byte[] raw) || raw.Length == 0)
                return VerifyResult.Malformed;
            try
            {
                v = new System.Text.UTF8Encoding(false, true).GetString(raw);
            }
            catch (System.Text.DecoderFallbackException)
            {
                return VerifyResult.Malformed;
            }
        }
        if (v.Length == 0)
            return VerifyResult.Malformed;
        if (requiredPrefix is not null &&
            (requiredPrefix.Length == 0 ? v[0] == '$' : !v.StartsWith(requiredPrefix, StringComparison.Ordinal)))
            return VerifyResult.Malformed;
        return SchemeRegistry.ForCryptString(v, cryptOnly: false).Verify(p, v);
    };

    private static VerifyResult VerifyMd5(ReadOnlySpan<byte> password, string value, DigestEncoding? encoding)
    {
        if (encoding is null && value.StartsWith("$1$", StringComparison.Ordinal))
            return Md5Crypt.Verify(password, value);
        return Digests.VerifyEncoded(DigestAlgorithm.Md5, false, encoding, DigestEncoding.Base64, password, value);
    }
}
