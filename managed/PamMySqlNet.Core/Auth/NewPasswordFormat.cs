using System.Security.Cryptography;
using PamMySqlNet.Hashing;
using PamMySqlNet.Options;

namespace PamMySqlNet.Auth;

/// <summary>
/// The stored string a password change writes, in the format the configured crypt mode reads,
/// always with a fresh CSPRNG salt. crypt=1 and auto write SHA-512-crypt unless md5, sha256 or
/// blowfish asks otherwise (md5=1 keeps pam_mysql setups on MD5-crypt); pam_mysql wrote DES there.
/// </summary>
public static class NewPasswordFormat
{
    /// <summary>The new stored string, or null with <paramref name="error"/> when the mode cannot write one.</summary>
    public static string? Create(ModuleSettings s, ReadOnlySpan<byte> password, out string? error)
    {
        error = null;
        try
        {
            switch (s.Crypt)
            {
                case CryptMode.Plain:
                    return Utf8(password, out error);
                case CryptMode.Crypt:
                    return PasswordHasher.Hash(CryptScheme(s), password, s.Rounds);
                case CryptMode.Auto:
                    return DefaultScheme.ForNewHash(s, PasswordHasher.Hash(CryptScheme(s), password, s.Rounds));
                case CryptMode.MySql:
                    if (s.Use323Passwd)
                    {
                        error = "use_323_passwd: MySQL 3.23 hashes are too weak to write; store MySQL 4.1 hashes (crypt=2 without use_323_passwd)";
                        return null;
                    }
                    return "*" + Convert.ToHexString(SHA1.HashData(SHA1.HashData(password)));
                case CryptMode.Md5:
                    return Hex(DigestAlgorithm.Md5, password, []);
                case CryptMode.Sha1:
                    return Hex(DigestAlgorithm.Sha1, password, []);
                case CryptMode.Sha256:
                    return Hex(DigestAlgorithm.Sha256, password, []);
                case CryptMode.Sha512:
                    return Hex(DigestAlgorithm.Sha512, password, []);
                case CryptMode.Joomla15:
                {
                    string salt = RandomNumberGenerator.GetString(Alphanumeric, 32);
                    return Hex(DigestAlgorithm.Md5, password, System.Text.Encoding.ASCII.GetBytes(salt)) + ":" + salt;
                }
                case CryptMode.Ssha:
                {
                    byte[] salt = RandomNumberGenerator.GetBytes(8);
                    Span<byte> digest = stackalloc byte[20];
                    Digests.Compute(DigestAlgorithm.Sha1, password, salt, digest);
                    return Convert.ToBase64String([.. digest, .. salt]);
                }
                case CryptMode.Drupal7:
                {
                    // Drupal 7's own default: $S$, 2^15 SHA-512 rounds ('D'), 8 salt characters.
                    string setting = "$S$D" + RandomNumberGenerator.GetString(CryptBase64.Alphabet, 8);
                    string? hash = PhPass.Compute(password, setting + new string('.', 43));
                    if (hash is null)
                        error = "could not compute a Drupal 7 hash";
                    return hash;
                }
                default:
                    error = $"crypt={CryptModeNames.Name(s.Crypt)} cannot write new passwords";
                    return null;
            }
        }
        catch (ArgumentException e)
        {
            error = $"rounds={s.Rounds}: {e.Message}";
            return null;
        }
    }

    /// <summary>The string <c>rehash=</c> writes: <paramref name="target"/>'s scheme and cost, fresh salt,
    /// stored as crypt=1 (bare) or auto (<see cref="DefaultScheme.ForNewHash"/>) reads it.</summary>
    public static string Rehashed(ModuleSettings s, RehashTarget target, ReadOnlySpan<byte> password)
    {
        string hash = PasswordHasher.Hash(target.Scheme, password, target.Cost);
        return s.Crypt == CryptMode.Auto ? DefaultScheme.ForNewHash(s, hash) : hash;
    }

    /// <summary>crypt(3) scheme for new passwords: blowfish, then sha512, sha256, md5; default SHA-512-crypt.</summary>
    public static PasswordHashScheme CryptScheme(ModuleSettings s) =>
        s.Blowfish ? PasswordHashScheme.BCrypt
        : s.Sha512 ? PasswordHashScheme.Sha512Crypt
        : s.Sha256 ? PasswordHashScheme.Sha256Crypt
        : s.Md5 ? PasswordHashScheme.Md5Crypt
        : PasswordHashScheme.Sha512Crypt;

    private const string Alphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private static string Hex(DigestAlgorithm alg, ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt)
    {
        Span<byte> digest = stackalloc byte[Digests.Size(alg)];
        Digests.Compute(alg, password, salt, digest);
        return Convert.ToHexStringLower(digest);
    }

    private static string? Utf8(ReadOnlySpan<byte> password, out string? error)
    {
        try
        {
            error = null;
            return new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(password);
        }
        catch (System.Text.DecoderFallbackException)
        {
            error = "a plain-text password must be valid UTF-8";
            return null;
        }
    }
}
