using PamMySqlNet.Options;

namespace PamMySqlNet.Hashing;

/// <summary>Settings that change how a stored string is read.</summary>
public sealed record VerifyOptions
{
    public static VerifyOptions Default { get; } = new();

    /// <summary>
    /// pam_mysql's <c>use_323_passwd</c>: with crypt=2 (and in auto), a 16-hex-digit value is
    /// MySQL 3.23 OLD_PASSWORD(). Off: such values are malformed in crypt=2 and are not
    /// recognised by auto.
    /// </summary>
    public bool Use323Passwd { get; init; }

    /// <summary>
    /// crypt=auto: how a bare value (no <c>{SCHEME}</c>, no <c>$id$</c>, not a hex digest or
    /// MySQL or Joomla shape) is checked. Default <see cref="CryptMode.Crypt"/>: handed to
    /// crypt(3), which knows traditional DES (13 characters) and BSDi (<c>_</c>) strings and
    /// rejects the rest as malformed. <see cref="CryptMode.Plain"/> compares such values as
    /// plain text. <c>null</c>: bare values are malformed. <see cref="CryptMode.Auto"/> is
    /// not allowed here (treated as null).
    /// </summary>
    public CryptMode? AutoBareDefault { get; init; } = CryptMode.Crypt;

    /// <summary>
    /// The login name (PAM_USER), for the one scheme that hashes it in: Dovecot's
    /// <c>{DIGEST-MD5}</c> (see <see cref="DovecotDigestMd5"/>). Null: such values are Unsupported.
    /// </summary>
    public string? UserName { get; init; }
}
