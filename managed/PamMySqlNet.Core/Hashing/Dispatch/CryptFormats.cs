namespace PamMySqlNet.Hashing;

/// <summary>
/// crypt(3)-style stored strings ($1$, $6$, $2b$, $argon2id$, $P$, ... and whatever libxcrypt
/// reads): which scheme checks one. Used by crypt=1, by crypt=auto and by Dovecot's
/// <c>{CRYPT}</c>-family prefixes alike, so it depends on neither dispatcher
/// (<see cref="SchemeRegistry"/>, <see cref="DovecotSchemes"/>).
/// </summary>
public static class CryptFormats
{
    public static readonly IPasswordScheme Md5CryptScheme = new FuncScheme("md5crypt", Md5Crypt.Verify);
    public static readonly IPasswordScheme Apr1 = new FuncScheme("apr1", Md5Crypt.VerifyApr1);
    public static readonly IPasswordScheme Sha256Crypt = new FuncScheme("sha256crypt", ShaCrypt.Verify256);
    public static readonly IPasswordScheme Sha512Crypt = new FuncScheme("sha512crypt", ShaCrypt.Verify512);
    public static readonly IPasswordScheme BCryptScheme = new FuncScheme("bcrypt", BCrypt.Verify);
    public static readonly IPasswordScheme Argon2Scheme = new FuncScheme("argon2", Argon2.Verify);
    public static readonly IPasswordScheme PhPassScheme = new FuncScheme("phpass", PhPass.Verify);
    public static readonly IPasswordScheme LibXCryptScheme = new FuncScheme("crypt(3)", LibXCryptSchemes.Verify);

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
}
