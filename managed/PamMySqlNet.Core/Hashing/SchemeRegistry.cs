using PamMySqlNet.Options;

namespace PamMySqlNet.Hashing;

/// <summary>
/// Which scheme checks a stored string. Schemes are chosen by crypt mode, by crypt(3) prefix
/// (first matching row of <see cref="CryptPrefixes"/>, in order), or for crypt=auto by the
/// detection order in <see cref="Detect"/>. Every stored value is validated by its scheme
/// before any hashing; bad values give <see cref="VerifyResult.Malformed"/>.
/// </summary>
/// <remarks>
/// <para>Cost caps (a stored string asking for more is Malformed, so the caller logs it):</para>
/// <list type="bullet">
/// <item>any stored value: at most <see cref="MaxStoredLength"/> (1024) characters;</item>
/// <item>sha256crypt/sha512crypt: rounds 1000..1,000,000 (<see cref="ShaCrypt.MaxRounds"/>);</item>
/// <item>bcrypt: cost 4..14 (<see cref="BCrypt.MaxCost"/>);</item>
/// <item>argon2i/id: memory ≤ 64 MiB (m ≤ 65536), t ≤ 16, p ≤ 16 (<see cref="Argon2"/>);</item>
/// <item>Dovecot PBKDF2 and SCRAM: iterations ≤ 1,000,000;</item>
/// <item>phpass/Drupal: log2(count) 7..19;</item>
/// <item>schemes left to libxcrypt (yescrypt, gost-yescrypt, scrypt <c>$7$</c>, sunmd5, NT,
/// <c>$sha1$</c>, DES and BSDi crypt): parameters checked first, see <see cref="LibXCryptSchemes"/>.</item>
/// </list>
/// </remarks>
public static class SchemeRegistry
{
    public const int MaxStoredLength = 1024;

    public static readonly IPasswordScheme Md5CryptScheme = new FuncScheme("md5crypt", Md5Crypt.Verify);
    public static readonly IPasswordScheme Apr1 = new FuncScheme("apr1", Md5Crypt.VerifyApr1);
    public static readonly IPasswordScheme Sha256Crypt = new FuncScheme("sha256crypt", ShaCrypt.Verify256);
    public static readonly IPasswordScheme Sha512Crypt = new FuncScheme("sha512crypt", ShaCrypt.Verify512);
    public static readonly IPasswordScheme BCryptScheme = new FuncScheme("bcrypt", BCrypt.Verify);
    public static readonly IPasswordScheme Argon2Scheme = new FuncScheme("argon2", Argon2.Verify);
    public static readonly IPasswordScheme PhPassScheme = new FuncScheme("phpass", PhPass.Verify);
    public static readonly IPasswordScheme LibXCryptScheme = new FuncScheme("crypt(3)", LibXCryptSchemes.Verify);
    public static readonly IPasswordScheme MySql41 = new FuncScheme("mysql41", MySqlPassword.Verify41);
    public static readonly IPasswordScheme MySql323 = new FuncScheme("mysql323", MySqlPassword.Verify323);
    public static readonly IPasswordScheme Joomla = new FuncScheme("joomla15", Joomla15.Verify);
    public static readonly IPasswordScheme Md5Hex = new FuncScheme("md5-hex", (p, s) => Digests.VerifyHex(DigestAlgorithm.Md5, p, s));
    public static readonly IPasswordScheme Sha1Hex = new FuncScheme("sha1-hex", (p, s) => Digests.VerifyHex(DigestAlgorithm.Sha1, p, s));
    public static readonly IPasswordScheme Sha256Hex = new FuncScheme("sha256-hex", (p, s) => Digests.VerifyHex(DigestAlgorithm.Sha256, p, s));
    public static readonly IPasswordScheme Sha512Hex = new FuncScheme("sha512-hex", (p, s) => Digests.VerifyHex(DigestAlgorithm.Sha512, p, s));
    public static readonly IPasswordScheme Plain = new FuncScheme("plain", VerifyPlain);
    public static readonly IPasswordScheme Ssha = new FuncScheme("ssha", VerifySshaMode);

    /// <summary>
    /// crypt(3)-style strings, first match wins. With <c>CryptOnly</c> false the row is not a
    /// crypt(3) format (pam_mysql's crypt=1 never accepted it) and is used only by auto and
    /// Dovecot's <c>{CRYPT}</c>. Anything else that starts with '$' or is bare goes to libxcrypt.
    /// </summary>
    public static readonly (string Prefix, IPasswordScheme Scheme, bool CryptOnly)[] CryptPrefixes =
    [
        ("$1$", Md5CryptScheme, true),
        ("$5$", Sha256Crypt, true),
        ("$6$", Sha512Crypt, true),
        ("$2a$", BCryptScheme, true),
        ("$2b$", BCryptScheme, true),
        ("$2y$", BCryptScheme, true),
        ("$2x$", BCryptScheme, true),
        ("$apr1$", Apr1, false),
        ("$argon2i$", Argon2Scheme, false),
        ("$argon2id$", Argon2Scheme, false),
        ("$P$", PhPassScheme, false),
        ("$H$", PhPassScheme, false),
        ("$S$", PhPassScheme, false),
        ("U$P$", PhPassScheme, false),
        ("U$H$", PhPassScheme, false),
        ("U$S$", PhPassScheme, false),
        // libxcrypt: $y$ yescrypt, $gy$ gost-yescrypt, $7$ scrypt, $md5 sunmd5, $3$ NT,
        // $sha1$, _ BSDi, 13-character DES, after the checks in LibXCryptSchemes; anything else is Malformed.
    ];

    /// <summary>The scheme for a crypt(3)-style string (crypt=1 when <paramref name="cryptOnly"/>).</summary>
    public static IPasswordScheme ForCryptString(string stored, bool cryptOnly)
    {
        foreach (var (prefix, scheme, isCrypt) in CryptPrefixes)
        {
            if (stored.StartsWith(prefix, StringComparison.Ordinal))
            {
                if (isCrypt || !cryptOnly)
                    return scheme;
                break;
            }
        }
        return LibXCryptScheme;
    }

    /// <summary>The scheme for a pam_mysql crypt mode other than auto.</summary>
    public static IPasswordScheme? ForMode(CryptMode mode, string stored, VerifyOptions options) => mode switch
    {
        CryptMode.Plain => Plain,
        CryptMode.Crypt => ForCryptString(stored, cryptOnly: true),
        CryptMode.MySql => stored.StartsWith('*') || !options.Use323Passwd ? MySql41 : MySql323,
        CryptMode.Md5 => Md5Hex,
        CryptMode.Sha1 => Sha1Hex,
        CryptMode.Drupal7 => PhPassScheme,
        CryptMode.Joomla15 => Joomla,
        CryptMode.Ssha => Ssha,
        CryptMode.Sha512 => Sha512Hex,
        CryptMode.Sha256 => Sha256Hex,
        _ => null,
    };

    /// <summary>
    /// crypt=auto. Detection order (first rule that applies):
    /// <list type="number">
    /// <item><c>{SCHEME}</c> or <c>{SCHEME.HEX}</c>/<c>{SCHEME.B64}</c> prefix: Dovecot/LDAP/Courier scheme table
    /// (<see cref="DovecotSchemes"/>); an unknown name is Unsupported, <c>{}</c> is Malformed;</item>
    /// <item>'$' or <c>U$</c> or '_' first: crypt-style string, <see cref="CryptPrefixes"/> (all rows), else libxcrypt;</item>
    /// <item><c>*</c> + 40 hex: MySQL 4.1 PASSWORD();</item>
    /// <item>16 hex, only with <see cref="VerifyOptions.Use323Passwd"/>: MySQL OLD_PASSWORD();</item>
    /// <item>32 / 40 / 64 / 128 hex (either case): MD5 / SHA-1 / SHA-256 / SHA-512 hex digest;</item>
    /// <item>32 hex + ':' + salt: Joomla 1.5;</item>
    /// <item>anything else: <see cref="VerifyOptions.AutoBareDefault"/> (default crypt(3): DES strings).</item>
    /// </list>
    /// </summary>
    public static VerifyResult VerifyAuto(ReadOnlySpan<byte> password, string stored, VerifyOptions options)
    {
        if (stored.Length == 0)
            return VerifyResult.Malformed;
        if (stored[0] == '{')
            return DovecotSchemes.Verify(password, stored, options.UserName);
        if (stored[0] == '$' || stored[0] == '_' || stored.StartsWith("U$", StringComparison.Ordinal))
            return ForCryptString(stored, cryptOnly: false).Verify(password, stored);
        if (stored.Length == 41 && stored[0] == '*' && Codec.IsHex(stored.AsSpan(1)))
            return MySql41.Verify(password, stored);
        if (Codec.IsHex(stored))
        {
            switch (stored.Length)
            {
                case 16 when options.Use323Passwd: return MySql323.Verify(password, stored);
                case 32: return Md5Hex.Verify(password, stored);
                case 40: return Sha1Hex.Verify(password, stored);
                case 64: return Sha256Hex.Verify(password, stored);
                case 128: return Sha512Hex.Verify(password, stored);
            }
        }
        if (stored.Length > 33 && stored[32] == ':' && Codec.IsHex(stored.AsSpan(0, 32)))
            return Joomla.Verify(password, stored);
        return options.AutoBareDefault switch
        {
            null or CryptMode.Auto => VerifyResult.Malformed,
            CryptMode m => ForMode(m, stored, options)?.Verify(password, stored) ?? VerifyResult.Unsupported,
        };
    }

    private static VerifyResult VerifyPlain(ReadOnlySpan<byte> password, string stored) =>
        ConstantTime.EqualsHidingLength(password, System.Text.Encoding.UTF8.GetBytes(stored))
            ? VerifyResult.Match
            : VerifyResult.NoMatch;

    /// <summary>pam_mysql crypt=7: base64(SHA1(password + salt) + salt); a <c>{SSHA}</c> prefix is tolerated.</summary>
    private static VerifyResult VerifySshaMode(ReadOnlySpan<byte> password, string stored)
    {
        string value = stored.StartsWith("{SSHA}", StringComparison.OrdinalIgnoreCase) ? stored[6..] : stored;
        if (!Codec.TryDecodeBase64(value, padded: true, out byte[] raw))
            return VerifyResult.Malformed;
        return Digests.VerifyRaw(DigestAlgorithm.Sha1, salted: true, password, raw);
    }
}
