namespace PamMySqlNet.Hashing;

/// <summary>
/// <c>{SCHEME}value</c> strings as Dovecot (and OpenLDAP, Courier, PostfixAdmin) write them.
/// Names are case-insensitive; a <c>.HEX</c>, <c>.B64</c> or <c>.BASE64</c> suffix names the
/// value's encoding. As in Dovecot's <c>password_decode</c>, for the schemes whose value is text
/// (crypt strings, argon2, PBKDF2, SCRAM, <c>{MD5}</c>'s md5crypt) the suffix means that text itself
/// is base64- or hex-encoded (PostfixAdmin's <c>{SHA512-CRYPT.B64}</c>, <c>{ARGON2ID.B64}</c>;
/// <c>doveadm pw -s SHA512-CRYPT.HEX</c>); for digests it is the digest's encoding
/// (<c>{SHA1.HEX}</c>, <c>{SHA512.B64}</c>).
/// </summary>
/// <remarks>
/// Meanings follow Dovecot: <c>{MD5}</c> is MD5-crypt (<c>$1$</c>); a <c>{MD5}</c> value that
/// is not a <c>$1$</c> string is read as OpenLDAP's base64 MD5 digest (the two shapes cannot be
/// confused). <c>{CRYPT}</c> is any crypt(3) string. <c>{PLAIN}</c>/<c>{CLEAR}</c>/<c>{CLEARTEXT}</c>
/// are plain text. <c>{ARGON2}</c> (Dovecot 2.4's name; it writes argon2id) takes an argon2i or
/// argon2id string, as libsodium's <c>crypto_pwhash_str_verify</c> behind it does; <c>{ARGON2I}</c>
/// and <c>{ARGON2ID}</c> take only their own variant. Digest schemes default to Dovecot's
/// encoding (hex for PLAIN-MD5, PLAIN-MD4, MD5RAW; base64 otherwise) and fall back to the other
/// encoding when the value has that shape.
/// DIGEST-MD5 hashes the login name in: it is checked with the name the caller gives
/// (<see cref="VerifyOptions.UserName"/>, the module's PAM_USER), Unsupported without one.
/// Not verifiable from a password alone: NTLM, LANMAN, RPA, OTP, SKEY → Unsupported; so is PLAIN-TRUNC (doveadm 2.3 writes it without the length that
/// Dovecot's own check requires).
/// </remarks>
public static class DovecotSchemes
{
    private delegate VerifyResult Check(ReadOnlySpan<byte> password, string value, DigestEncoding? encoding);

    /// <summary>Schemes whose value is text (Dovecot's <c>PW_ENCODING_NONE</c>): an explicit
    /// encoding is undone first and the check sees the decoded text with no encoding.</summary>
    private static readonly HashSet<string> TextSchemes =
    [
        "CRYPT", "DES-CRYPT", "MD5-CRYPT", "SHA256-CRYPT", "SHA512-CRYPT", "BLF-CRYPT",
        "ARGON2", "ARGON2I", "ARGON2ID", "PBKDF2", "SCRAM-SHA-1", "SCRAM-SHA-256",
    ];

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
        ("ARGON2", CryptFamily("$argon2")),
        ("ARGON2I", CryptFamily("$argon2i$")),
        ("ARGON2ID", CryptFamily("$argon2id$")),
        ("MD5", VerifyMd5),
        ("PBKDF2", (p, v, e) => e is null ? DovecotPbkdf2.Verify(p, v) : VerifyResult.Malformed),
        ("CRAM-MD5", VerifyCramMd5),
        ("HMAC-MD5", VerifyCramMd5),
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

    /// <param name="userName">The login name, which only <c>{DIGEST-MD5}</c> needs (null: such values are Unsupported).</param>
    public static VerifyResult Verify(ReadOnlySpan<byte> password, string stored, string? userName = null)
    {
        if (!TrySplit(stored, out string name, out DigestEncoding? encoding, out string value))
            return VerifyResult.Malformed;
        if (name == "DIGEST-MD5")
            return DovecotDigestMd5.Verify(password, value, encoding, userName);
        foreach (var (n, check) in Table)
        {
            if (n != name)
                continue;
            if (encoding is DigestEncoding e && TextSchemes.Contains(name))
                return TryDecodeText(value, e, out string text) ? check(password, text, null) : VerifyResult.Malformed;
            return check(password, value, encoding);
        }
        return VerifyResult.Unsupported;
    }

    /// <summary>
    /// <c>{NAME[.ENC]}value</c>: the upper-cased name without its encoding suffix, the encoding
    /// (null: none given) and the value. False for a string that is no such prefix at all.
    /// </summary>
    internal static bool TrySplit(string stored, out string name, out DigestEncoding? encoding, out string value)
    {
        name = value = "";
        encoding = null;
        int close = stored.IndexOf('}');
        if (stored.Length == 0 || stored[0] != '{' || close < 2 || close > 40)
            return false;
        name = stored[1..close].ToUpperInvariant();
        foreach (char c in name)
            if (!(c is >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '.' or '_'))
                return false;
        if (name.EndsWith(".HEX", StringComparison.Ordinal)) { encoding = DigestEncoding.Hex; name = name[..^4]; }
        else if (name.EndsWith(".B64", StringComparison.Ordinal)) { encoding = DigestEncoding.Base64; name = name[..^4]; }
        else if (name.EndsWith(".BASE64", StringComparison.Ordinal)) { encoding = DigestEncoding.Base64; name = name[..^7]; }
        value = stored[(close + 1)..];
        return true;
    }

    /// <summary>Whether the value of <paramref name="name"/> is text that an encoding suffix wraps.</summary>
    internal static bool IsTextScheme(string name) => TextSchemes.Contains(name);

    /// <summary>Strict base64 or hex to non-empty printable ASCII (every text value here is ASCII).</summary>
    internal static bool TryDecodeText(string value, DigestEncoding encoding, out string text)
    {
        text = "";
        if (!(encoding == DigestEncoding.Hex ? Codec.TryDecodeHex(value, out byte[] raw) : Codec.TryDecodeBase64(value, true, out raw))
            || raw.Length == 0)
            return false;
        foreach (byte b in raw)
            if (b is < 0x20 or > 0x7e)
                return false;
        text = System.Text.Encoding.ASCII.GetString(raw);
        return true;
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
        // Encoded values were decoded in Verify (TextSchemes); an encoding here is never valid.
        if (e is not null || v.Length == 0)
            return VerifyResult.Malformed;
        if (requiredPrefix is not null &&
            (requiredPrefix.Length == 0 ? v[0] == '$' : !v.StartsWith(requiredPrefix, StringComparison.Ordinal)))
            return VerifyResult.Malformed;
        return CryptFormats.ForCryptString(v, cryptOnly: false).Verify(p, v);
    };

    /// <summary>CRAM-MD5/HMAC-MD5: the 32-byte HMAC-MD5 context, hex by default; base64 when
    /// named (<c>.B64</c>) or, without a suffix, when the value is not 64 characters (Dovecot's guess).</summary>
    private static VerifyResult VerifyCramMd5(ReadOnlySpan<byte> password, string value, DigestEncoding? encoding)
    {
        if (encoding == DigestEncoding.Hex || (encoding is null && value.Length == 64))
            return CramMd5.Verify(password, value);
        if (!Codec.TryDecodeBase64(value, padded: true, out byte[] raw) || raw.Length != 32)
            return VerifyResult.Malformed;
        return CramMd5.Verify(password, Codec.ToHexLower(raw));
    }

    private static VerifyResult VerifyMd5(ReadOnlySpan<byte> password, string value, DigestEncoding? encoding)
    {
        // {MD5.B64}/{MD5.HEX} of an md5crypt string (doveadm pw -s MD5.B64) is md5crypt, as in Dovecot.
        if (encoding is DigestEncoding e && TryDecodeText(value, e, out string text) && text.StartsWith("$1$", StringComparison.Ordinal))
            return Md5Crypt.Verify(password, text);
        if (encoding is null && value.StartsWith("$1$", StringComparison.Ordinal))
            return Md5Crypt.Verify(password, value);
        return Digests.VerifyEncoded(DigestAlgorithm.Md5, false, encoding, DigestEncoding.Base64, password, value);
    }
}
