using PamMySqlNet.Hashing;
using PamMySqlNet.Options;

namespace PamMySqlNet.Auth;

/// <summary>
/// <c>default_scheme=</c>, Dovecot's <c>default_pass_scheme</c>: with crypt=auto, a stored value without
/// a <c>{SCHEME}</c> prefix is read as that scheme, exactly as if the prefix were there; values with a
/// prefix are read by their prefix. Without the option, crypt=auto detects bare values by their shape
/// (<see cref="SchemeRegistry.VerifyAuto"/>). Only crypt=auto reads prefixes, so the option needs it.
/// </summary>
public static class DefaultScheme
{
    /// <summary>The value crypt=auto reads: <paramref name="stored"/> itself, or with the default scheme's prefix.</summary>
    public static string Apply(ModuleSettings s, string stored) =>
        s.DefaultScheme is { } scheme && s.Crypt == CryptMode.Auto && !stored.StartsWith('{')
            ? "{" + scheme + "}" + stored
            : stored;

    /// <summary>A new crypt(3) hash as crypt=auto stores it: bare when the default scheme reads it so
    /// (none, CRYPT, or the hash's own family), else with a <c>{CRYPT}</c> prefix (argon2id: <c>{ARGON2ID}</c>), so that a table whose
    /// bare values are, say, cleartext never reads the new hash as a password.</summary>
    public static string ForNewHash(ModuleSettings s, string cryptHash)
    {
        string? family = cryptHash.StartsWith("$1$", StringComparison.Ordinal) ? "MD5-CRYPT"
            : cryptHash.StartsWith("$5$", StringComparison.Ordinal) ? "SHA256-CRYPT"
            : cryptHash.StartsWith("$6$", StringComparison.Ordinal) ? "SHA512-CRYPT"
            : cryptHash.StartsWith("$2", StringComparison.Ordinal) ? "BLF-CRYPT"
            : cryptHash.StartsWith("$argon2id$", StringComparison.Ordinal) ? "ARGON2ID"
            : null;
        if (s.DefaultScheme is null || s.DefaultScheme == family || s.DefaultScheme == "CRYPT" && family != "ARGON2ID")
            return cryptHash;
        return family == "ARGON2ID" ? "{ARGON2ID}" + cryptHash : "{CRYPT}" + cryptHash;
    }

    /// <summary>A scheme name the option accepts: a name of <see cref="DovecotSchemes"/>, optionally with
    /// <c>.HEX</c>, <c>.B64</c> or <c>.BASE64</c>; upper-cased. Throws <see cref="OptionValueException"/> otherwise.</summary>
    public static string Parse(string value)
    {
        string name = value.Trim().ToUpperInvariant();
        if (name.StartsWith('{') && name.EndsWith('}'))
            name = name[1..^1];
        int dot = name.IndexOf('.');
        string baseName = dot < 0 ? name : name[..dot];
        string suffix = dot < 0 ? "" : name[dot..];
        if (suffix is not ("" or ".HEX" or ".B64" or ".BASE64") || !DovecotSchemes.Names.Contains(baseName, StringComparer.Ordinal))
            throw new OptionValueException($"unknown default_scheme '{value}' (a Dovecot scheme name such as SHA512-CRYPT, SSHA512, PLAIN)");
        return name;
    }

    /// <summary>The cross-option rule, or null.</summary>
    public static string? Problem(ModuleSettings s) =>
        s.DefaultScheme is not null && s.Crypt != CryptMode.Auto
            ? $"default_scheme={s.DefaultScheme} needs crypt=auto: only crypt=auto reads {{SCHEME}} prefixes (crypt={CryptModeNames.Name(s.Crypt)} reads every value as one scheme)"
            : null;
}
