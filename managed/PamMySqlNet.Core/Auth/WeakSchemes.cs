using PamMySqlNet.Hashing;
using PamMySqlNet.Options;

namespace PamMySqlNet.Auth;

/// <summary><c>weak_schemes=</c>: what a login whose stored value uses a weak scheme gets.</summary>
public enum WeakSchemePolicy
{
    /// <summary>As pam_mysql: any scheme the module can check.</summary>
    Allow,
    /// <summary>Let in, and log one warning line naming the scheme.</summary>
    Log,
    /// <summary>Refuse (PAM_AUTH_ERR, as a wrong password), and log one line naming the scheme.</summary>
    Refuse,
}

/// <summary>
/// Which stored values use a weak scheme: cleartext, unsalted or single-round digests (hex digests,
/// MySQL PASSWORD(), {SHA*}, {SSHA*}, {SMD5}, {PLAIN-MD5}, {PLAIN-MD4}, {LDAP-MD5}, Joomla 1.5),
/// challenge-response secrets ({CRAM-MD5}/{HMAC-MD5}, {DIGEST-MD5}) and the MD5 and DES crypt family (md5crypt
/// <c>$1$</c>, <c>$apr1$</c>, SunMD5, NT <c>$3$</c>, traditional and BSDi DES). Unlike Dovecot 2.4, which
/// exempts cleartext from its weak list, {PLAIN} and crypt=plain count as weak here.
/// Not weak: sha-crypt, bcrypt, yescrypt, scrypt, argon2, PBKDF2, SCRAM, phpass/Drupal.
/// </summary>
public static class WeakSchemes
{
    private static readonly HashSet<string> WeakPrefixes = new(StringComparer.OrdinalIgnoreCase)
    {
        "PLAIN", "CLEAR", "CLEARTEXT", "CRAM-MD5", "HMAC-MD5", "DIGEST-MD5", "PLAIN-MD5", "MD5RAW", "LDAP-MD5", "SMD5", "PLAIN-MD4",
        "SHA", "SHA1", "SSHA", "SHA256", "SSHA256", "SHA512", "SSHA512", "DES-CRYPT", "MD5-CRYPT", "MD5",
    };

    /// <summary>Names in <see cref="WeakPrefixes"/> (for tests: each is a scheme the module reads).</summary>
    public static IEnumerable<string> PrefixNames => WeakPrefixes;

    public static WeakSchemePolicy Parse(string value) => value.Trim().ToLowerInvariant() switch
    {
        "allow" or "off" => WeakSchemePolicy.Allow,
        "log" or "warn" => WeakSchemePolicy.Log,
        "refuse" or "deny" => WeakSchemePolicy.Refuse,
        _ => throw new OptionValueException($"unknown weak_schemes '{value}' (allow, log or refuse)"),
    };

    public static string Name(WeakSchemePolicy p) => p.ToString().ToLowerInvariant();

    /// <summary>The weak scheme <paramref name="stored"/> uses under these settings (a short name for the
    /// log, never the value), or null when it is not weak. <paramref name="stored"/> is the value as
    /// checked, after <see cref="DefaultScheme.Apply"/>.</summary>
    public static string? Of(ModuleSettings s, string stored) => s.Crypt switch
    {
        CryptMode.Plain => "plain",
        CryptMode.MySql => stored.StartsWith('*') || !s.Use323Passwd ? "mysql41" : "mysql323",
        CryptMode.Md5 => "md5-hex",
        CryptMode.Sha1 => "sha1-hex",
        CryptMode.Sha256 => "sha256-hex",
        CryptMode.Sha512 => "sha512-hex",
        CryptMode.Ssha => "ssha",
        CryptMode.Joomla15 => "joomla15",
        CryptMode.Crypt => OfCryptString(stored),
        CryptMode.Auto => OfAuto(s, stored),
        _ => null,
    };

    private static string? OfAuto(ModuleSettings s, string stored)
    {
        if (stored.StartsWith('{') && stored.IndexOf('}') is > 1 and var close)
        {
            string name = stored[1..close];
            int dot = name.IndexOf('.');
            string baseName = dot < 0 ? name : name[..dot];
            if (baseName.Equals("CRYPT", StringComparison.OrdinalIgnoreCase))
                return OfCryptString(stored[(close + 1)..]);
            return WeakPrefixes.Contains(baseName) ? "{" + baseName.ToUpperInvariant() + "}" : null;
        }
        if (stored.StartsWith('$') || stored.StartsWith('_'))
            return OfCryptString(stored);
        if (stored.Length == 41 && stored[0] == '*' && Codec.IsHex(stored.AsSpan(1)))
            return "mysql41";
        if (Codec.IsHex(stored))
        {
            switch (stored.Length)
            {
                case 16 when s.Use323Passwd: return "mysql323";
                case 32: return "md5-hex";
                case 40: return "sha1-hex";
                case 64: return "sha256-hex";
                case 128: return "sha512-hex";
            }
        }
        if (stored.Length > 33 && stored[32] == ':' && Codec.IsHex(stored.AsSpan(0, 32)))
            return "joomla15";
        // A bare value is left to crypt(3): only traditional DES is usable there.
        return OfCryptString(stored);
    }

    private static string? OfCryptString(string stored)
    {
        if (stored.StartsWith("$1$", StringComparison.Ordinal))
            return "md5crypt";
        if (stored.StartsWith("$apr1$", StringComparison.Ordinal))
            return "apr1";
        if (stored.StartsWith("$md5", StringComparison.Ordinal))
            return "sunmd5";
        if (stored.StartsWith("$3$", StringComparison.Ordinal))
            return "nthash";
        if (stored.StartsWith('_'))
            return "bsdi-des";
        if (stored.Length == 13 && stored.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '/'))
            return "des";
        return null;
    }
}
