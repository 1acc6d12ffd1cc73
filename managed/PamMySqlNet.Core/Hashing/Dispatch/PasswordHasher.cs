using System.Security.Cryptography;

namespace PamMySqlNet.Hashing;

public enum PasswordHashScheme { Md5Crypt, Sha256Crypt, Sha512Crypt, BCrypt, Argon2id }

/// <summary>
/// Hashes for new passwords, with salts from <see cref="RandomNumberGenerator"/>. Every string
/// written here is verified by <see cref="PasswordVerifier"/> (crypt=auto, and crypt=1 for the
/// crypt(3) formats) and by the reference tools (libxcrypt, PHP, Dovecot).
/// </summary>
public static class PasswordHasher
{
    /// <summary>Defaults: sha-crypt 5000 rounds (no rounds= field), bcrypt cost 12, argon2id m=64 MiB t=3 p=1.</summary>
    public const int DefaultBCryptCost = 12;
    public const int DefaultArgon2MemoryKiB = 65536;
    public const int DefaultArgon2Iterations = 3;

    /// <param name="rounds">sha-crypt: rounds (1000..1,000,000, null = 5000 without a rounds= field);
    /// bcrypt: cost (4..16, null = 12); argon2id: iterations t (1..32, null = 3); md5crypt: must be null.</param>
    public static string Hash(PasswordHashScheme scheme, ReadOnlySpan<byte> password, int? rounds = null) => scheme switch
    {
        PasswordHashScheme.Md5Crypt => rounds is null ? Md5Crypt.Hash(password, CryptSalt(8))
            : throw new ArgumentException("md5crypt has a fixed round count", nameof(rounds)),
        PasswordHashScheme.Sha256Crypt => ShaCrypt.Hash(password, CryptSalt(16), CheckShaRounds(rounds), is512: false),
        PasswordHashScheme.Sha512Crypt => ShaCrypt.Hash(password, CryptSalt(16), CheckShaRounds(rounds), is512: true),
        PasswordHashScheme.BCrypt => BCrypt.Hash(password, RandomNumberGenerator.GetBytes(16),
            Check(rounds ?? DefaultBCryptCost, BCrypt.MinCost, BCrypt.MaxCost, nameof(rounds)), 'b'),
        PasswordHashScheme.Argon2id => Argon2.Hash(Argon2Type.Argon2id, password, RandomNumberGenerator.GetBytes(16),
            DefaultArgon2MemoryKiB, Check(rounds ?? DefaultArgon2Iterations, 1, Argon2.MaxIterations, nameof(rounds)), 1),
        _ => throw new ArgumentOutOfRangeException(nameof(scheme)),
    };

    /// <summary>argon2id with explicit memory (KiB, ≤ 256 MiB) and iterations.</summary>
    public static string HashArgon2id(ReadOnlySpan<byte> password, int memoryKiB, int iterations, int parallelism = 1) =>
        Argon2.Hash(Argon2Type.Argon2id, password, RandomNumberGenerator.GetBytes(16),
            Check(memoryKiB, 8 * parallelism, Argon2.MaxMemoryKiB, nameof(memoryKiB)),
            Check(iterations, 1, Argon2.MaxIterations, nameof(iterations)),
            Check(parallelism, 1, Argon2.MaxParallelism, nameof(parallelism)));

    private static int? CheckShaRounds(int? rounds) =>
        rounds is int r ? Check(r, ShaCrypt.MinRounds, ShaCrypt.MaxRounds, nameof(rounds)) : null;

    private static int Check(int value, int min, int max, string name) =>
        value >= min && value <= max ? value : throw new ArgumentOutOfRangeException(name, value, $"must be {min}..{max}");

    private static string CryptSalt(int length) => RandomNumberGenerator.GetString(CryptBase64.Alphabet, length);
}
