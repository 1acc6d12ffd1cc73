using PamMySqlNet.Options;

namespace PamMySqlNet.Hashing;

/// <summary>
/// Which scheme checks a stored string. Schemes are chosen by crypt mode, by crypt(3) prefix
/// (first matching row of <see cref="CryptFormats.CryptPrefixes"/>, in order), or for crypt=auto by the
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

    public static readonly IPasswordScheme MySql41 = new FuncScheme("mysql41", MySqlPassword.Verify41);
    public static readonly IPasswordScheme MySql323 = new FuncScheme("mysql323", MySqlPassword.Verify323);
    public static readonly IPasswordScheme Joomla = new FuncScheme("joomla15", Joomla15.Verify);
    public static readonly IPasswordScheme Md5Hex = new FuncScheme("md5-hex", (p, s) => Digests.VerifyHex(DigestAlgorithm.Md5, p, s));
    public static readonly IPasswordScheme Sha1Hex = new FuncScheme("sha1-hex", (p, s) => Digests.VerifyHex(DigestAlgorithm.Sha1, p, s));
    public static readonly IPasswordScheme Sha256Hex = new FuncScheme("sha256-hex", (p, s) => Digests.VerifyHex(DigestAlgorithm.Sha256, p, s));
    public static readonly IPasswordScheme Sha512Hex = new FuncScheme("sha512-hex", (p, s) => Digests.VerifyHex(DigestAlgorithm.Sha512, p, s));
    public static readonly IPasswordScheme Plain = new FuncScheme("plain", VerifyPlain);
    public static readonly IPasswordScheme Ssha = new FuncScheme("ssha", VerifySshaMode);

    /// <summary>The scheme for a pam_mysql crypt mode other than auto.</summary>
    public static IPasswordScheme? ForMode(CryptMode mode, string stored, VerifyOptions options) => mode switch
    {
        CryptMode.Plain => Plain,
        CryptMode.Crypt => CryptFormats.ForCryptString(stored, cryptOnly: true),
        CryptMode.MySql => stored.StartsWith('*') || !options.Use323Passwd ? MySql41 : MySql323,
        CryptMode.Md5 => Md5Hex,
        CryptMode.Sha1 => Sha1Hex,
        CryptMode.Drupal7 => CryptFormats.PhPassScheme,
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
    /// <item>'$' or <c>U$</c> or '_' first: crypt-style string, <see cref="CryptFormats.CryptPrefixes"/> (all rows), else libxcrypt;</item>
    /// <item><c>*</c> + 40 hex: MySQL 4.1 PASSWORD();</item>
    /// <item>16 hex, only with <see cref="VerifyOptions.Use323Passwd"/>: MySQL OLD_PASSWORD();</item>
    /// <item>32 / 40 / 64 / 128 hex (either case): MD5 / SHA-1 / SHA-256 / SHA-512 hex digest;</item>
    /// <item>32 hex + ':' + salt: Joomla 1.5;</item>
    /// <item>anything else: <see cref="VerifyOptions.AutoBareDefault"/> (default crypt(3): DES strings).</item>
    /// </list>
    /// </summary>
    public static VerifyResult VerifyAuto(ReadOnlySpan<byte> password, string stored, VerifyOptions options) =>
        DetectAuto(stored, options).Verify(password, stored);

    /// <summary>The scheme crypt=auto checks <paramref name="stored"/> with, by the order above; the
    /// one detection behind both the module's verify and <c>pam-mysql-net check</c>'s description.
    /// A value no rule takes gets a scheme whose answer is Malformed (or Unsupported when the bare
    /// default names a mode without a scheme for it).</summary>
    public static IPasswordScheme DetectAuto(string stored, VerifyOptions options)
    {
        if (stored.Length == 0)
            return NoScheme;
        if (stored[0] == '{')
            return new FuncScheme(stored.IndexOf('}') is > 1 and var close ? stored[..(close + 1)] : "{}",
                (p, s) => DovecotSchemes.Verify(p, s, options.UserName));
        if (stored[0] == '$' || stored[0] == '_' || stored.StartsWith("U$", StringComparison.Ordinal))
            return CryptFormats.ForCryptString(stored, cryptOnly: false);
        if (stored.Length == 41 && stored[0] == '*' && Codec.IsHex(stored.AsSpan(1)))
            return MySql41;
        if (Codec.IsHex(stored))
        {
            switch (stored.Length)
            {
                case 16 when options.Use323Passwd: return MySql323;
                case 32: return Md5Hex;
                case 40: return Sha1Hex;
                case 64: return Sha256Hex;
                case 128: return Sha512Hex;
            }
        }
        if (stored.Length > 33 && stored[32] == ':' && Codec.IsHex(stored.AsSpan(0, 32)))
            return Joomla;
        return options.AutoBareDefault switch
        {
            null or CryptMode.Auto => NoScheme,
            CryptMode m => ForMode(m, stored, options) ?? NoSchemeForMode,
        };
    }

    /// <summary>What crypt=auto answers for a value no rule takes.</summary>
    public static readonly IPasswordScheme NoScheme = new FuncScheme("none", (_, _) => VerifyResult.Malformed);
    private static readonly IPasswordScheme NoSchemeForMode = new FuncScheme("none", (_, _) => VerifyResult.Unsupported);

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
